"""Settings: every environment variable they read is documented in the table of docs/deployment.md."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
READS = re.compile(r"""(?:env_\w+|environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _variables_read(path: Path) -> set[str]:
    return set(READS.findall(path.read_text()))


def test_every_variable_the_settings_and_gunicorn_read_is_in_the_deployment_table():
    variables = _variables_read(BASE_DIR / "config/settings.py") | _variables_read(BASE_DIR / "config/gunicorn.py")
    table = [line for line in (BASE_DIR / "docs/deployment.md").read_text().splitlines() if line.startswith("| `")]
    documented = {name for line in table for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])}

    assert {"DATABASE_URL", "SECRET_KEY", "PORT", "WEB_CONCURRENCY"} <= variables  # the pattern finds them
    assert variables - documented == set()
