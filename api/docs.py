"""The OpenAPI schema and its Swagger UI: JSON by default, JSON errors, a hint to sign in."""

from django.urls import reverse
from drf_spectacular import renderers
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import NotAuthenticated

from api.errors import JSONErrorsMixin


class SignInHintMixin:
    """A caller without credentials learns how to get some."""

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            login = reverse("rest_framework:login") + f"?next={request.path}"
            raise NotAuthenticated(
                "Authentication credentials were not provided: send 'Authorization: Token <key>' "
                f"(POST /api/v1/auth/token/ gives one), or sign in at {login} in a browser."
            )
        super().permission_denied(request, message=message, code=code)


class SchemaView(SignInHintMixin, JSONErrorsMixin, SpectacularAPIView):
    """The schema in JSON (`?format=yaml` or `Accept: application/yaml` for YAML)."""

    renderer_classes = [
        renderers.OpenApiJsonRenderer,
        renderers.OpenApiJsonRenderer2,
        renderers.OpenApiYamlRenderer,
        renderers.OpenApiYamlRenderer2,
    ]


class DocsView(SignInHintMixin, JSONErrorsMixin, SpectacularSwaggerView):
    """Swagger UI over the schema."""
