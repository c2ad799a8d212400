"""A ModelViewSet over users with a nested profile, page numbers, SearchFilter and an uncached stats action."""

from django.db.models import Count, Q
from rest_framework import filters, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from users.models import Profile, User


class ProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = Profile
        fields = ["department", "phone", "location", "bio"]


class UserSerializer(serializers.ModelSerializer):
    profile = ProfileSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "full_name", "role", "is_active", "created_at", "updated_at", "profile"]


class UserViewSet(viewsets.ModelViewSet):
    queryset = User.objects.select_related("profile").order_by("-created_at")
    serializer_class = UserSerializer
    filter_backends = [filters.SearchFilter]
    search_fields = ["username", "email", "full_name"]

    @action(detail=False)
    def stats(self, request):
        counts = User.objects.aggregate(
            total_users=Count("id"),
            active_users=Count("id", filter=Q(is_active=True)),
        )
        by_role = dict(User.objects.values_list("role").annotate(Count("id")).order_by())
        inactive = counts["total_users"] - counts["active_users"]
        return Response({**counts, "inactive_users": inactive, "by_role": by_role})
