"""The users API: thin views that parse input, call selectors or services, and render."""

from datetime import UTC

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.conditional import ConditionalGetMixin, etag_for, require_if_match
from api.fieldsets import QUERY_PARAMS, FieldSelection, selection_parameters
from api.pagination import KeysetPagination
from api.params import StrictQueryParamsMixin
from api.response_cache import CachedResponseMixin
from users import cache as users_cache
from users import selectors, services
from users.filters import OrderFilter, UserFilter, UserOrderFilter
from users.models import Order, User
from users.permissions import UserRolePermission
from users.serializers import (
    OrderSerializer,
    StatsSerializer,
    TokenObtainSerializer,
    TokenSerializer,
    UserDetailSerializer,
    UserSerializer,
    UserWriteSerializer,
)
from users.throttling import TokenObtainThrottle

USER_ID_PATTERN = r"[0-9]{1,18}"  # keeps ids inside a 64-bit integer on every database


class TokenObtainView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenObtainThrottle]

    @extend_schema(request=TokenObtainSerializer, responses=TokenSerializer)
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.auth_token_obtain(request=request, **serializer.validated_data)
        return Response({"token": token.key})


class UsersDataCacheMixin(CachedResponseMixin):
    """Answers built from users, profiles and orders: cached under the users data
    version, one copy per role (today every role may see the same data)."""

    def cache_version(self) -> str:
        return users_cache.data_version(self.request)

    def cache_visibility(self) -> str:
        return users_cache.visibility(self.request.user)


@extend_schema_view(
    list=extend_schema(parameters=selection_parameters(UserSerializer), responses=UserSerializer(many=True)),
    retrieve=extend_schema(parameters=selection_parameters(UserDetailSerializer), responses=UserDetailSerializer),
    create=extend_schema(request=UserWriteSerializer, responses={201: UserDetailSerializer}),
    update=extend_schema(request=UserWriteSerializer, responses=UserDetailSerializer),
    partial_update=extend_schema(request=UserWriteSerializer, responses=UserDetailSerializer),
    stats=extend_schema(responses=StatsSerializer),
)
class UserViewSet(StrictQueryParamsMixin, ConditionalGetMixin, UsersDataCacheMixin, viewsets.GenericViewSet):
    queryset = User.objects.all()
    permission_classes = [UserRolePermission]
    extra_error_statuses = {action: (409, 412) for action in ("update", "partial_update", "destroy")}
    serializer_class = UserSerializer
    pagination_class = KeysetPagination
    filterset_class = UserFilter
    ordering_fields = ("id", "username", "email", "created_at", "last_login_at")
    default_ordering = "-created_at"
    lookup_value_regex = USER_ID_PATTERN
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
        serializer = UserSerializer(page, many=True, fields=selection.fields, expand=selection.expand)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, pk: str):
        return self.cached(lambda: self._retrieve(int(pk)))

    def _retrieve(self, user_id: int) -> Response:
        selection = self._selection(UserDetailSerializer)
        user = selectors.user_get(user_id=user_id, fields=selection.fields, expand=selection.expand)
        if user is None:
            raise Http404
        return Response(UserDetailSerializer(user, fields=selection.fields, expand=selection.expand).data)

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

    def cache_key_extra(self) -> str:
        # `new_today` counts from UTC midnight: the stats answer changes with the day.
        return timezone.now().astimezone(UTC).date().isoformat() if self.action == "stats" else ""

    def _if_match(self, user: User) -> None:
        require_if_match(self.request, etag_for(UserDetailSerializer(user).data))

    def _written(self, user: User, code: int) -> Response:
        data = UserDetailSerializer(user).data
        return Response(data, status=code, headers={"ETag": etag_for(data)})


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
        return self.get_paginated_response(OrderSerializer(page, many=True).data)


class UserOrderViewSet(OrderViewSet):
    """One user's orders: the same listing without the `user` filter, which the URL sets."""

    filterset_class = UserOrderFilter
