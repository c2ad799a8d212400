"""Strict query strings: a parameter the endpoint does not know is a 400 that names it."""

from rest_framework.exceptions import ValidationError

ALWAYS_ACCEPTED = frozenset({"format"})  # the browsable API's renderer switch


class StrictQueryParamsMixin:
    """Checks every query parameter against what the current action accepts.

    A list action accepts its filterset's filters and its paginator's parameters; a
    view adds more by overriding `get_accepted_query_params`.
    """

    def get_accepted_query_params(self) -> set[str]:
        accepted = set(ALWAYS_ACCEPTED)
        if self.action == "list":
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                accepted.update(filterset_class.base_filters)
            accepted.update(getattr(self.paginator, "query_params", ()))
        return accepted

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        accepted = self.get_accepted_query_params()
        unknown = [name for name in request.query_params if name not in accepted]
        if unknown:
            listed = ", ".join(sorted(accepted))
            raise ValidationError({name: [f"Unknown query parameter. Accepted: {listed}."] for name in unknown})
