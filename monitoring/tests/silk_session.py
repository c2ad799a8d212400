"""Run by test_silk.py in a process of its own (silk is switched on at settings time):
requests through Django's test client, then what silk recorded, printed as JSON."""

import gzip
import json
from datetime import timedelta

import django

django.setup()

from django.test import Client  # noqa: E402 (after setup)
from django.utils import timezone  # noqa: E402
from silk.models import Request  # noqa: E402

from monitoring.tasks import purge_silk  # noqa: E402
from users.models import Role, User  # noqa: E402

staff = User.objects.create_user(username="silk-staff", email="staff@example.com", role=Role.ADMIN)
plain = User.objects.create_user(username="silk-user", email="user@example.com", role=Role.USER)
for n in range(25):  # a page over 1 KB, which the client gets gzipped
    User.objects.create_user(username=f"someone{n}", email=f"someone{n}@example.com", role=Role.USER)
staff_client, plain_client = Client(), Client()
staff_client.force_login(staff)
plain_client.force_login(plain)

listing = staff_client.get("/api/v1/users/", headers={"Accept-Encoding": "gzip", "Accept": "application/json"})
recorded = Request.objects.filter(path="/api/v1/users/").first()
old = Request.objects.create(path="/old/", method="GET", start_time=timezone.now() - timedelta(days=3))
purged = purge_silk()
print(
    json.dumps(
        {
            "listing_encoding": listing.get("Content-Encoding", ""),
            "listing_users": len(json.loads(gzip.decompress(listing.content))["results"]),
            "recorded": Request.objects.filter(path="/api/v1/users/").count(),
            "recorded_body": recorded.response.body if recorded else None,
            "profiled": bool(recorded and recorded.pyprofile),
            "purged": purged,
            "old_left": Request.objects.filter(pk=old.pk).exists(),
            "staff_ui": staff_client.get("/silk/").status_code,
            "plain_ui": plain_client.get("/silk/").status_code,
            "anon_ui": Client().get("/silk/").status_code,
        }
    )
)
