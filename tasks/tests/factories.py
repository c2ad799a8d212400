"""CSV files for import tests."""

import csv
from pathlib import Path

from tasks.imports import HEADER


def row(username: str, **cells) -> dict:
    return {
        "username": username,
        "email": f"{username}@example.com",
        "full_name": username.title(),
        "role": "user",
        "is_active": "true",
        "department": "Sales",
        "phone": "+1 555-0100",
        "location": "Lisbon",
        **cells,
    }


def write_csv(path: Path, rows: list[dict], header=HEADER, encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for item in rows:
            writer.writerow([item.get(name, "") for name in header])
    return path
