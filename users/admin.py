"""The admin for people who manage users, kept fast on tables with millions of rows."""

import json

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import OperationalError, connections, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from api.exceptions import Conflict
from users import services
from users.forms import UserCreationForm, UserEditForm, UserPasswordForm
from users.models import Order, Profile, User

EXACT_COUNT_BELOW = 50_000
COUNT_TIMEOUT_MS = 200

# Roles decide what a user may do; Django's groups would be a second, unused system.
admin.site.unregister(Group)


class EstimatedCountPaginator(Paginator):
    """Counts exactly when that is cheap; on large PostgreSQL result sets it asks the
    planner for its estimate instead, so a changelist page never waits on COUNT(*).

    The exact count is tried under a short statement timeout; past it, the estimate is
    shown (the admin's page links then stop near the estimated last page).
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return super().count
        estimate = json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]
        if estimate < EXACT_COUNT_BELOW:
            return super().count
        try:
            with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {COUNT_TIMEOUT_MS}")
                return queryset.count()
        except OperationalError:
            return int(estimate)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ("department", "phone", "location", "bio")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Every save, delete and action goes through the services, like the API's writes:
    the same role and account rules, one profile per user, one announcement per change."""

    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = UserPasswordForm
    inlines = [ProfileInline]
    list_display = ("username", "email", "full_name", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    list_select_related = ("profile",)
    search_fields = ("username", "email", "full_name")
    search_help_text = "Part of a username, email or full name."
    ordering = ("-created_at", "-id")
    readonly_fields = ("is_superuser", "created_at", "updated_at", "last_login_at", "orders_link")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("full_name", "email")}),
        ("Access", {"fields": ("role", "is_active", "is_superuser")}),
        ("History", {"fields": ("created_at", "updated_at", "last_login_at", "orders_link")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ()
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a facet is a COUNT per filter choice
    list_per_page = 50
    actions = ["activate", "deactivate"]

    @admin.display(description="Orders")
    def orders_link(self, user: User) -> str:
        if user.pk is None:
            return "-"
        url = reverse("admin:users_order_changelist") + f"?user__id__exact={user.pk}"
        return format_html('<a href="{}">Orders of {}</a>', url, user.username)

    @admin.action(description="Activate selected users")
    def activate(self, request, queryset) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate selected users")
    def deactivate(self, request, queryset) -> None:
        self._set_active(request, queryset, False)

    def _set_active(self, request, queryset, is_active: bool) -> None:
        try:
            changed = services.users_set_active(
                actor=request.user, user_ids=queryset.values_list("pk", flat=True), is_active=is_active
            )
        except Conflict as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        state = "activated" if is_active else "deactivated"
        self.message_user(request, f"{changed} user(s) {state}.", messages.SUCCESS)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A write the account rules refuse (the last admin, one's own admin rights) is
        rolled back and shown as a message on the form it came from."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (Conflict, ValidationError) as exc:
            self.message_user(request, " ".join(_messages(exc)), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj: User, form, change: bool) -> None:
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.USER_FIELDS}
            services.user_update(actor=request.user, user_id=obj.pk, data=data)
        else:
            fields = {name: form.cleaned_data[name] for name in services.USER_FIELDS if name in form.cleaned_data}
            obj.pk = services.user_create(actor=request.user, password=form.new_password(), **fields).pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change: bool) -> None:
        """The profile inline is written by the services as well; the formsets only
        report what changed, for the admin's history."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for profile_form in formset.forms:
                changed = [name for name in profile_form.changed_data if name in services.PROFILE_FIELDS]
                if changed:
                    data = {name: profile_form.cleaned_data[name] for name in changed}
                    services.user_update(actor=request.user, user_id=form.instance.pk, data={"profile": data})
                    formset.changed_objects.append((profile_form.instance, changed))

    def delete_model(self, request, obj: User) -> None:
        services.user_delete(actor=request.user, user_id=obj.pk)

    def delete_queryset(self, request, queryset) -> None:
        services.users_delete(actor=request.user, user_ids=queryset.values_list("pk", flat=True))

    def get_deleted_objects(self, objs, request):
        """Django's confirmation page refuses a deletion the account rules forbid, as it
        does for protected objects, before anything is written."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        conflict = services.users_delete_conflict(actor=request.user, users=list(objs))
        if conflict:
            protected = [*protected, conflict]
        return deleted, counts, perms_needed, protected


def _messages(exc: Exception) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "user_link", "status", "amount", "created_at")
    list_filter = ("status",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    search_fields = ("=user__username",)
    ordering = ("-created_at", "-id")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    @admin.display(description="User", ordering="user__username")
    def user_link(self, order: Order) -> str:
        url = reverse("admin:users_user_change", args=[order.user_id])
        return format_html('<a href="{}">{}</a>', url, order.user.username)

    # Orders are read here, never written: they change only with their user (deleted
    # with them), which keeps the users data version the one thing cached reads follow.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(BaseTokenAdmin):
    """DRF's token admin with the user picked by id: a select of every user would list millions."""

    raw_id_fields = ("user",)
    list_select_related = ("user",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
