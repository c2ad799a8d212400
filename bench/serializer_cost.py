"""What turning users into JSON-ready data costs per request, with no database: a detail,
a sparse detail and a list page of 20, each in microseconds.

    .venv/bin/python bench/serializer_cost.py
"""

import os
import sys
import timeit
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from users.models import Profile, User  # noqa: E402
from users.serializers import UserDetailSerializer, UserSerializer  # noqa: E402

RUNS = 3000


def main() -> None:
    now = datetime.now(UTC)
    user = User(id=5, username="ada", email="ada@example.com", full_name="Ada L", role="user", created_at=now)
    user.updated_at = now
    user.profile = Profile(user=user, department="QA", phone="1", location="x", bio="b")
    page = [User(id=n, username=f"u{n}", email=f"u{n}@example.com", role="user", created_at=now) for n in range(20)]
    for name, serialize in [
        ("detail", lambda: UserDetailSerializer(user).data),
        ("detail, fields=id,username", lambda: UserDetailSerializer(user, fields=("id", "username")).data),
        ("list page of 20", lambda: UserSerializer(page, many=True).data),
    ]:
        serialize()
        print(f"{name:30s} {timeit.timeit(serialize, number=RUNS) / RUNS * 1e6:7.0f} µs")


if __name__ == "__main__":
    main()
