"""Health probe: GET /api/v1/health/live/ from gunicorn on PORT, or the URL given.

It runs where curl does not (the slim image has none) and sends a Host header that
ALLOWED_HOSTS accepts, since in production `localhost` is usually not among them.
The image's HEALTHCHECK runs it, and deploy/native/stack waits with it.
"""

import os
import sys
import urllib.request


def allowed_host() -> str:
    first = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    # ".example.com" allows every subdomain, "*" every host: any name then does.
    return first.lstrip(".").replace("*", "localhost") or "localhost"


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/api/v1/health/live/"
    request = urllib.request.Request(url, headers={"Host": allowed_host()})  # noqa: S310 (an http URL of our own)
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
