"""The rules of a user write, run on many rows at once without a request.

Bulk endpoints and CSV imports validate each row exactly as POST or PATCH /users/ would:
the write serializer's field rules, the actor's role rules, the password validators, and
uniqueness of usernames and emails (case-insensitively) against the table and within the
rows themselves, at a constant number of queries per batch. The database's constraints
remain the final word when a concurrent write takes a name first.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Lower
from rest_framework import serializers
from rest_framework.settings import api_settings

from api.filters import MAX_BIGINT
from users import services
from users.models import EMAIL_TAKEN, USERNAME_TAKEN, Role, User
from users.permissions import ensure_can_change, ensure_can_create
from users.serializers import UserWriteSerializer

Errors = dict[str, Any]
PERSON_FIELDS = ("username", "email", "full_name")  # what a password is compared with


@dataclass
class ValidatedRows:
    """`valid` maps the index of each accepted row to its cleaned data; `errors` maps the
    index of each refused row to its errors, shaped like the API's 400 for one write."""

    valid: dict[int, dict[str, Any]] = field(default_factory=dict)
    errors: dict[int, Errors] = field(default_factory=dict)


def validate_user_rows(
    rows: Sequence[Any],
    *,
    actor: User | None,
    targets: Mapping[int, User] | None = None,
    serializer_class: type[UserWriteSerializer] = UserWriteSerializer,
) -> ValidatedRows:
    """Validate rows that create users or, given `targets` (the users to change by id;
    each row then names its `id`), rows that change them. `actor` None is the system;
    `serializer_class` may narrow the fields (bulk writes and imports take no password)."""
    result = ValidatedRows()
    changing: dict[int, User] = {}
    # One serializer for every row: building a ModelSerializer's fields costs more than
    # checking a row with them (DRF's ListSerializer shares its child the same way).
    serializer = serializer_class(partial=targets is not None)
    for index, row in enumerate(rows):
        if targets is not None:
            target = targets.get(row_id(row))
            if target is None:
                result.errors[index] = {"id": ["Give the id of an existing user."]}
                continue
            changing[index] = target
            row = {name: value for name, value in row.items() if name != "id"}
        data, errors = _validate_row(serializer, row, actor=actor, target=changing.get(index))
        if errors:
            result.errors[index] = errors
        else:
            result.valid[index] = data
    _check_unique(result, changing)
    return result


def row_id(row: Any) -> int | None:
    """The user id an item of a bulk change names, if it names one properly."""
    value = row.get("id") if isinstance(row, Mapping) else None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_BIGINT:
        return value
    return None


def _validate_row(serializer, row: Any, *, actor: User | None, target: User | None) -> tuple[dict, Errors]:
    """The row's cleaned data and its errors (shaped as the API's, nested for `profile`)."""
    try:
        data = dict(serializer.run_validation(row))
    except serializers.ValidationError as exc:
        return {}, _as_errors(exc.detail)
    if actor is not None:
        try:
            if target is None:
                ensure_can_create(actor, data.get("role", Role.USER))
            else:
                ensure_can_change(actor, target, data)
        except PermissionDenied as exc:
            return {}, {"role": [str(exc)]}
    if data.get("password") is not None:
        person = User(**{name: data.get(name, getattr(target, name, "")) for name in PERSON_FIELDS})
        try:
            services.validate_new_password(person, data["password"])
        except ValidationError as exc:
            return {}, exc.message_dict
    return data, {}


def _check_unique(result: ValidatedRows, changing: Mapping[int, User]) -> None:
    """Refuse a username or email that another user holds, or that an earlier row of
    the batch claims: one query per column, whatever the number of rows."""
    usernames = {index: data["username"] for index, data in result.valid.items() if "username" in data}
    emails = {index: data["email"].lower() for index, data in result.valid.items() if "email" in data}
    holders = {
        "username": dict(User.objects.filter(username__in=set(usernames.values())).values_list("username", "pk")),
        "email": dict(
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=set(emails.values()))
            .values_list("email_lower", "pk")
        ),
    }
    taken = {"username": USERNAME_TAKEN, "email": EMAIL_TAKEN}
    for column, claims in (("username", usernames), ("email", emails)):
        first_row: dict[str, int] = {}
        for index, value in claims.items():
            own_id = changing[index].pk if index in changing else None
            if value in first_row:
                message = f"Row {first_row[value]} has the same {column}."
            elif holders[column].get(value, own_id) != own_id:
                message = taken[column]
            else:
                first_row[value] = index
                continue
            result.errors.setdefault(index, {})[column] = [message]
    for index in result.errors:
        result.valid.pop(index, None)


def _as_errors(detail) -> Errors:
    """DRF's error detail for a row, as its `errors` property would give it."""
    if isinstance(detail, dict):
        return dict(detail)
    return {api_settings.NON_FIELD_ERRORS_KEY: detail if isinstance(detail, list) else [detail]}
