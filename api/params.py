"""Strict query strings: every parameter is known, given once and not empty, or a 400 names it."""

from rest_framework.exceptions import ValidationError

ALWAYS_ACCEPTED = frozenset({"format"})  # the browsable API's renderer switch
MAX_NAMED = 20


def check_query_params(params, accepted: set[str]) -> None:
    """Raise a 400 naming each parameter (at most MAX_NAMED) that is unknown, repeated
    or empty. Several values go in one parameter, separated by commas."""
    listed = ", ".join(sorted(accepted))
    errors: dict[str, list[str]] = {}
    for name, values in params.lists():
        if name not in accepted:
            errors[name] = [f"Unknown query parameter. Accepted: {listed}."]
        elif len(values) > 1:
            errors[name] = ["Give this parameter once; separate several values with commas."]
        elif not values[0].strip():
            errors[name] = ["This parameter may not be empty."]
        if len(errors) == MAX_NAMED:
            break
    if errors:
        raise ValidationError(errors)


class StrictQueryParamsMixin:
    """Checks the query string against what the current action accepts.

    A list action accepts its filterset's filters and its paginator's parameters; a
    view adds more by overriding `get_accepted_query_params`.
    """

    def get_accepted_query_params(self) -> set[str]:
        accepted = set(ALWAYS_ACCEPTED)
        if getattr(self, "action", None) == "list":  # a plain APIView has no actions
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                accepted.update(filterset_class.base_filters)
            accepted.update(getattr(self.paginator, "query_params", ()))
        return accepted

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if hasattr(self, request.method.lower()):  # otherwise the answer is a 405
            check_query_params(request.query_params, self.get_accepted_query_params())
