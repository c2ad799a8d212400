"""Strict query strings: every parameter is known, given once and not empty, or a 400 names it."""

from rest_framework.exceptions import ValidationError

ALWAYS_ACCEPTED = frozenset({"format"})  # the browsable API's renderer switch
MAX_NAMED = 20


def list_values(params, name: str) -> list[str]:
    """A list parameter's items: `role=a,b` and `role=a&role=b` (as clients generated from
    the schema send a list) mean the same. Blank items are dropped."""
    return [item.strip() for value in params.getlist(name) for item in value.split(",") if item.strip()]


def check_query_params(params, accepted: set[str], lists: set[str] = frozenset()) -> None:
    """Raise a 400 naming each parameter (at most MAX_NAMED) that is unknown, repeated
    (unless it is one of the `lists`) or empty. Several values go in one parameter,
    separated by commas."""
    listed = ", ".join(sorted(accepted))
    errors: dict[str, list[str]] = {}
    for name, values in params.lists():
        if name not in accepted:
            errors[name] = [f"Unknown query parameter. Accepted: {listed}."]
        elif len(values) > 1 and name not in lists:
            errors[name] = ["Give this parameter once; separate several values with commas."]
        elif not all(value.strip() for value in values):
            errors[name] = ["This parameter may not be empty."]
        if len(errors) == MAX_NAMED:
            break
    if errors:
        raise ValidationError(errors)


class StrictQueryParamsMixin:
    """Checks the query string against what the current action accepts.

    A list action accepts its filterset's filters and its paginator's parameters; a
    view adds more by overriding `get_accepted_query_params`, and names the ones that
    take a list in `get_list_query_params`.
    """

    def is_list(self) -> bool:
        return getattr(self, "action", None) == "list"  # a plain APIView has no actions

    def get_accepted_query_params(self) -> set[str]:
        accepted = set(ALWAYS_ACCEPTED)
        if self.is_list():
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                accepted.update(filterset_class.base_filters)
            accepted.update(getattr(self.paginator, "query_params", ()))
        return accepted

    def get_list_query_params(self) -> set[str]:
        filterset_class = getattr(self, "filterset_class", None)
        if not self.is_list() or filterset_class is None:
            return set()
        return {name for name, field in filterset_class.base_filters.items() if getattr(field, "takes_list", False)}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if hasattr(self, request.method.lower()):  # otherwise the answer is a 405
            check_query_params(request.query_params, self.get_accepted_query_params(), self.get_list_query_params())
