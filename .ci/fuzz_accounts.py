"""CI: one account per role for the fuzzer, each with an API token, printed as ROLE_TOKEN=key,
and an admin with a password for the typed client, printed as CLIENT_PASSWORD=password.

Run by .ci/fuzz through `manage.py shell`. The accounts are dated far back so that lists
(newest first) show demo users before them: the fuzzer's stateful phase acts on the rows
a list returns, and an account that changes its own password loses its token.
"""

import secrets
from datetime import UTC, datetime

from rest_framework.authtoken.models import Token

from users import services
from users.models import User

for role in ("admin", "manager", "user"):
    user = services.user_create(actor=None, username=f"fuzz-{role}", email=f"fuzz-{role}@example.com", role=role)
    print(f"{role.upper()}_TOKEN={Token.objects.create(user=user).key}")
# The typed client (.ci/client) logs in with a password, as a consumer would.
client_password = secrets.token_urlsafe(16)
services.user_create(
    actor=None, username="fuzz-client", email="fuzz-client@example.com", role="admin", password=client_password
)
print(f"CLIENT_PASSWORD={client_password}")
User.objects.filter(username__startswith="fuzz-").update(created_at=datetime(2000, 1, 1, tzinfo=UTC))
