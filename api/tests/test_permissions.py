"""IsAdmin: the class the admin-only endpoints (imports, tasks, metrics) attach."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from api.permissions import IsAdmin
from users.models import Role
from users.tests.factories import UserFactory


class AdminOnlyView(APIView):
    permission_classes = [IsAdmin]

    def get(self, request):
        return Response({"ok": True})


def _get(user):
    request = APIRequestFactory().get("/api/v1/admin-only/")
    if user is not None:
        force_authenticate(request, user=user)
    return AdminOnlyView.as_view()(request)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("attributes", "status"),
    [
        pytest.param({"role": Role.ADMIN}, 200, id="admin"),
        pytest.param({"role": Role.ADMIN, "is_superuser": True}, 200, id="superuser"),
        pytest.param({"role": Role.MANAGER}, 403, id="manager"),
        pytest.param({"role": Role.USER}, 403, id="user"),
        pytest.param({"role": Role.ADMIN, "is_active": False}, 403, id="deactivated-admin"),
    ],
)
def test_only_active_admins_pass(attributes, status):
    response = _get(UserFactory(**attributes))

    assert response.status_code == status
    if status == 403:
        assert response.data == {"detail": "Only admins may do this."}


def test_anonymous_callers_are_asked_to_authenticate():
    response = _get(None)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
