"""The users API: thin views that parse input, call selectors or services, and render."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.conditional import ConditionalGetMixin, etag_for, require_if_match
from api.fieldsets import QUERY_PARAMS, FieldSelection, selection_parameters
from api.filters import ID_PATTERN
from api.pagination import KeysetPagination
from api.params import StrictQueryParamsMixin
from api.response_cache import CachedResponseMixin
from api.schema import ETAG_ON_WRITE
from api.serializers import represent
from users import cache as users_cache
from users import selectors, services
from users.filters import OrderFilter, UserFilter, UserOrderFilter
from users.models import Order, User
from users.permissions import UserRolePermission
from users.serializers import (
    BulkCreatedSerializer,
    BulkUpdatedSerializer,
    OrderSerializer,
    SavedUserSerializer,
    StatsSerializer,
    TokenObtainSerializer,
    TokenSerializer,
    UserChangeRowSerializer,
    UserDetailSerializer,
    UserIdSerializer,
    UserRowSerializer,
    UserSerializer,
    UserWriteSerializer,
)
from users.throttling import TokenObtainThrottle
from users.validation import row_id, validate_user_rows

BULK_MAX_ITEMS = 1000
WRITE_DESCRIPTION = (
    "Managers change users of role `user` and themselves; admins anyone. Send the `ETag` of your "
    "last read in `If-Match` so as not to overwrite someone else's change (412 if there was one)."
)


class TokenObtainView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenObtainThrottle]

    @extend_schema(
        summary="Get an API token",
        description=(
            "Exchange the username and password of an active user for a token; send it on every "
            "other request as `Authorization: Token <key>`. Limited to 5 attempts a minute per "
            "client address."
        ),
        request=TokenObtainSerializer,
        responses=TokenSerializer,
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.auth_token_obtain(request=request, **serializer.validated_data)
        return Response({"token": token.key})


class UsersDataCacheMixin(CachedResponseMixin):
    """Answers built from users, profiles and orders: cached under the users data
    version (and the logins version, for those that show login times), one copy per
    role (today every role may see the same data)."""

    def shows_logins(self) -> bool:
        return False

    def counts_today(self) -> bool:
        return False

    def cache_versions(self) -> dict[str, str]:
        return users_cache.versions(self.request, logins=self.shows_logins(), day=self.counts_today())

    def cache_visibility(self) -> str:
        return users_cache.visibility(self.request.user)


def _write_schema(summary: str):
    """PUT and PATCH: the same body, answer and conditions."""
    return extend_schema(
        summary=summary,
        description=WRITE_DESCRIPTION,
        request=UserWriteSerializer,
        responses=SavedUserSerializer,
        parameters=[ETAG_ON_WRITE],
    )


@extend_schema_view(
    list=extend_schema(
        summary="List users",
        description=(
            "Users a page at a time, newest first unless `ordering` says otherwise. Follow `next` "
            "and `previous` as given: a cursor is valid only with the filters and ordering it was "
            "listed under. `fields`, `omit` and `expand` shape each item."
        ),
        parameters=selection_parameters(UserSerializer),
        responses=UserSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Read a user",
        description="One user with timestamps and profile; `fields`, `omit` and `expand` shape the answer.",
        parameters=selection_parameters(UserDetailSerializer),
        responses=UserDetailSerializer,
    ),
    create=extend_schema(
        summary="Create a user",
        description=(
            "Managers and admins; a manager cannot create an admin. Without a `password` the user "
            "gets an unusable one and an email to set it."
        ),
        request=UserWriteSerializer,
        responses={201: SavedUserSerializer},
        parameters=[ETAG_ON_WRITE],
    ),
    update=_write_schema("Replace a user"),
    partial_update=_write_schema("Change some of a user's fields"),
    destroy=extend_schema(
        summary="Delete a user",
        description="Admins only. With `If-Match`, only if nobody changed the user since it was read.",
    ),
    stats=extend_schema(
        summary="Count users",
        description="Totals by state and by role; `new_today` counts from midnight UTC.",
        responses=StatsSerializer,
    ),
)
class UserViewSet(StrictQueryParamsMixin, ConditionalGetMixin, UsersDataCacheMixin, viewsets.GenericViewSet):
    queryset = User.objects.all()
    permission_classes = [UserRolePermission]
    extra_error_statuses = {
        **{action: (409, 412) for action in ("update", "partial_update", "destroy")},
        **{action: (409,) for action in ("bulk_update", "bulk_destroy")},
    }
    serializer_class = UserSerializer
    pagination_class = KeysetPagination
    filterset_class = UserFilter
    ordering_fields = ("id", "username", "email", "created_at", "last_login_at")
    default_ordering = "-created_at"
    lookup_value_regex = ID_PATTERN
    expandable = tuple(UserSerializer.expansions)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return UserWriteSerializer
        if self.action == "retrieve":
            return UserDetailSerializer
        return UserSerializer

    def get_accepted_query_params(self) -> set[str]:
        accepted = super().get_accepted_query_params()
        if self.action in ("list", "retrieve"):
            accepted.update(QUERY_PARAMS)
        return accepted

    def get_list_query_params(self) -> set[str]:
        lists = super().get_list_query_params()
        if self.action in ("list", "retrieve"):
            lists.update(QUERY_PARAMS)
        return lists

    def _selection(self, serializer_class) -> FieldSelection:
        return FieldSelection.from_query(
            self.request.query_params,
            available=serializer_class.Meta.fields,
            expandable=self.expandable,
        )

    def list(self, request):
        return self.cached(self._list)

    def _list(self) -> Response:
        selection = self._selection(UserSerializer)
        ordering = self.paginator.get_ordering(self.request, self)
        queryset = selectors.user_list(fields=selection.fields, expand=selection.expand, columns=[ordering.field])
        page = self.paginate_queryset(self.filter_queryset(queryset))
        data = represent(UserSerializer, page, many=True, fields=selection.fields, expand=selection.expand)
        return self.get_paginated_response(data)

    def retrieve(self, request, pk: str):
        return self.cached(lambda: self._retrieve(int(pk)))

    def _retrieve(self, user_id: int) -> Response:
        selection = self._selection(UserDetailSerializer)
        user = selectors.user_get(user_id=user_id, fields=selection.fields, expand=selection.expand)
        if user is None:
            raise Http404
        return Response(represent(UserDetailSerializer, user, fields=selection.fields, expand=selection.expand))

    def create(self, request):
        serializer = UserWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **serializer.validated_data)
        return self._written(user, status.HTTP_201_CREATED)

    def update(self, request, pk: str, partial: bool = False):
        serializer = UserWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_update(
                actor=request.user,
                user_id=int(pk),
                data=serializer.validated_data,
                precondition=self._if_match,
            )
        except User.DoesNotExist:
            raise Http404 from None
        return self._written(user, status.HTTP_200_OK)

    def partial_update(self, request, pk: str):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk: str):
        try:
            services.user_delete(actor=request.user, user_id=int(pk), precondition=self._if_match)
        except User.DoesNotExist:
            raise Http404 from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=False, methods=["get"])
    def stats(self, request):
        return self.cached(lambda: Response(users_cache.user_stats(request)))

    def shows_logins(self) -> bool:
        """The detail shows `last_login_at`; a list shows login times only in its order."""
        if self.action == "retrieve":
            return True
        return self.action == "list" and self.paginator.get_ordering(self.request, self).field == "last_login_at"

    def counts_today(self) -> bool:
        """`new_today` counts from UTC midnight: the stats answer changes with the day."""
        return self.action == "stats"

    # --- bulk: all or nothing, errors by index, a constant number of queries ---------------

    @extend_schema(
        summary="Create up to 1000 users at once",
        description=(
            "All or nothing: one refused item refuses the whole request, with each item's errors "
            "under its index. `ids` come back in the order of the request."
        ),
        request=UserRowSerializer(many=True, min_length=1, max_length=BULK_MAX_ITEMS),
        responses={201: BulkCreatedSerializer},
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk_create(self, request):
        rows = _bulk_items(request.data)
        result = validate_user_rows(rows, actor=request.user, serializer_class=UserRowSerializer)
        if refused := _row_errors(result.errors):
            return refused
        ids = services.users_create_many(actor=request.user, rows=[result.valid[index] for index in range(len(rows))])
        return Response({"created": len(ids), "ids": ids}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change up to 1000 users at once",
        description="Each item names a user by `id` and gives the fields to change; all or nothing.",
        request=UserChangeRowSerializer(many=True, min_length=1, max_length=BULK_MAX_ITEMS),
        responses=BulkUpdatedSerializer,
    )
    @bulk_create.mapping.patch
    def bulk_update(self, request):
        rows = _bulk_items(request.data)
        ids = [row_id(row) for row in rows]
        targets = selectors.users_by_id(ids=[user_id for user_id in ids if user_id is not None])
        result = validate_user_rows(rows, actor=request.user, targets=targets, serializer_class=UserRowSerializer)
        if refused := _row_errors(result.errors | _repeated(ids)):
            return refused
        changed = services.users_update_many(
            actor=request.user, changes={ids[index]: data for index, data in result.valid.items()}
        )
        return Response({"updated": changed})

    @extend_schema(
        summary="Delete up to 1000 users at once",
        description="Admins only; each item names a user by `id`; all or nothing.",
        request=UserIdSerializer(many=True, min_length=1, max_length=BULK_MAX_ITEMS),
        responses={204: None},
    )
    @bulk_create.mapping.delete
    def bulk_destroy(self, request):
        rows = _bulk_items(request.data)
        errors, ids = {}, []
        for index, row in enumerate(rows):
            serializer = UserIdSerializer(data=row)
            if serializer.is_valid():
                ids.append(serializer.validated_data["id"])
            else:
                errors[index] = serializer.errors
                ids.append(None)
        existing = set(selectors.users_by_id(ids=[user_id for user_id in ids if user_id is not None]))
        errors |= {
            index: {"id": ["Give the id of an existing user."]}
            for index, user_id in enumerate(ids)
            if user_id is not None and user_id not in existing
        }
        if refused := _row_errors(errors | _repeated(ids)):
            return refused
        services.users_delete(actor=request.user, user_ids=ids)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _if_match(self, user: User) -> None:
        require_if_match(self.request, etag_for(represent(UserDetailSerializer, user)))

    def _written(self, user: User, code: int) -> Response:
        data = represent(SavedUserSerializer, user)
        return Response(data, status=code, headers={"ETag": etag_for(data)})


def _bulk_items(data) -> list:
    if not isinstance(data, list):
        raise ValidationError({"detail": "Send a JSON array of objects."})
    if not 1 <= len(data) <= BULK_MAX_ITEMS:
        raise ValidationError({"detail": f"Send between 1 and {BULK_MAX_ITEMS} items, not {len(data)}."})
    return data


def _repeated(ids: list) -> dict[int, dict]:
    """Errors for items naming a user an earlier item already names."""
    first: dict = {}
    errors = {}
    for index, user_id in enumerate(ids):
        if user_id is None:
            continue
        if user_id in first:
            errors[index] = {"id": [f"Item {first[user_id]} names the same user."]}
        first.setdefault(user_id, index)
    return errors


def _row_errors(errors: dict[int, dict]) -> Response | None:
    """The 400 for refused items: each item's errors under its index in the request."""
    if not errors:
        return None
    body = {"errors": [{"index": index, "errors": errors[index]} for index in sorted(errors)]}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


@extend_schema_view(
    list=extend_schema(
        summary="List orders",
        description="Orders a page at a time, newest first unless `ordering` says otherwise.",
    )
)
class OrderViewSet(StrictQueryParamsMixin, ConditionalGetMixin, UsersDataCacheMixin, viewsets.GenericViewSet):
    """Orders, all of them or one user's (`/users/{id}/orders/`)."""

    queryset = Order.objects.all()
    permission_classes = [UserRolePermission]
    serializer_class = OrderSerializer
    pagination_class = KeysetPagination
    filterset_class = OrderFilter
    ordering_fields = ("id", "created_at", "amount")
    default_ordering = "-created_at"

    def list(self, request, user_pk: str | None = None):
        return self.cached(lambda: self._list(None if user_pk is None else int(user_pk)))

    def _list(self, user_id: int | None) -> Response:
        if user_id is not None and not selectors.user_exists(user_id=user_id):
            raise Http404
        page = self.paginate_queryset(self.filter_queryset(selectors.order_list(user_id=user_id)))
        return self.get_paginated_response(represent(OrderSerializer, page, many=True))


@extend_schema_view(
    list=extend_schema(
        summary="List a user's orders",
        description="The orders of one user, a page at a time, newest first unless `ordering` says otherwise.",
        tags=["orders"],
    )
)
class UserOrderViewSet(OrderViewSet):
    """One user's orders: the same listing without the `user` filter, which the URL sets."""

    filterset_class = UserOrderFilter
