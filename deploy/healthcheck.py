"""Container health probe: GET /api/v1/health/live/ from gunicorn inside the container.

It runs where curl does not (the slim image has none) and sends a Host header that
ALLOWED_HOSTS accepts, since in production `localhost` is usually not among them.
"""

import os
import sys
import urllib.request


def allowed_host() -> str:
    first = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    # ".example.com" allows every subdomain, "*" every host: any name then does.
    return first.lstrip(".").replace("*", "localhost") or "localhost"


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/health/live/", headers={"Host": allowed_host()})
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 (a fixed http URL)
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
