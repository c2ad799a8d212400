"""Users, their profiles and their orders."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.db import models
from django.db.models.functions import Lower

EMAIL_UNIQUE_CONSTRAINT = "users_user_email_ci_unique"
SUPERUSER_IS_ADMIN_CONSTRAINT = "users_user_superuser_is_admin"
# ASCIIUsernameValidator's rule, spelled so JSON Schema reads it the same way (\w is
# wider than ASCII in Python without its ASCII flag).
USERNAME_PATTERN = r"^[A-Za-z0-9_.@+-]+\Z"
USERNAME_TAKEN = "A user with that username already exists."
EMAIL_TAKEN = "A user with that email already exists."
BIO_MAX_LENGTH = 2000
PASSWORD_MAX_LENGTH = 128  # what is hashed; the column holds the hash


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    USER = "user", "User"


class UserManager(BaseUserManager["User"]):
    """Django's hooks for creating users (createsuperuser, tests) hand over to the services."""

    use_in_migrations = True

    def create_user(self, username: str, email: str, password: str | None = None, **extra) -> "User":
        from users import services  # services import this module

        return services.user_create(actor=None, username=username, email=email, password=password, **extra)

    def create_superuser(self, username: str, email: str, password: str | None = None, **extra) -> "User":
        return self.create_user(username, email, password, **{**extra, "is_superuser": True})

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(username=username)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        max_length=50,
        unique=True,
        validators=[ASCIIUsernameValidator()],
        help_text="At most 50 characters: letters, digits and @ . + - _",
        error_messages={"unique": USERNAME_TAKEN},
    )
    email = models.EmailField(max_length=254)
    full_name = models.CharField(max_length=150, blank=True, default="")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
    welcome_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The login time lives in last_login_at; the inherited column is dropped.
    last_login = None

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name=EMAIL_UNIQUE_CONSTRAINT,
                violation_error_message=EMAIL_TAKEN,
            ),
            models.CheckConstraint(
                condition=models.Q(is_superuser=False) | models.Q(role=Role.ADMIN),
                name=SUPERUSER_IS_ADMIN_CONSTRAINT,
                violation_error_message="A superuser's role is always admin.",
            ),
        ]
        indexes = [
            models.Index(fields=["email"], name="users_email_idx"),
            models.Index(fields=["is_active"], name="users_is_active_idx"),
            # Keyset pagination orders by (value, id): these serve both the cursor and
            # plain range filters on the leading column.
            models.Index(fields=["created_at", "id"], name="users_created_at_id_idx"),
            models.Index(fields=["last_login_at", "id"], name="users_last_login_id_idx"),
            models.Index(fields=["is_active", "created_at"], name="users_active_created_idx"),
            models.Index(fields=["username", "email"], name="users_username_email_idx"),
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(is_active=True),
                name="users_active_only_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_staff(self) -> bool:
        """Admins (role or superuser) are staff: they may use the admin site."""
        return self.is_active and self.is_admin

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_staff or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff or super().has_module_perms(app_label)


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile", primary_key=True)
    department = models.CharField(max_length=100, blank=True, default="")
    phone = models.CharField(max_length=32, blank=True, default="")
    location = models.CharField(max_length=100, blank=True, default="")
    bio = models.TextField(blank=True, default="", max_length=BIO_MAX_LENGTH)

    class Meta:
        indexes = [models.Index(fields=["department"], name="profiles_department_idx")]

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


class Order(models.Model):
    # (user, status) below leads with user_id, so the FK needs no index of its own.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="orders", db_index=False)
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "status"], name="orders_user_status_idx"),
            models.Index(fields=["created_at", "id"], name="orders_created_at_id_idx"),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk} ({self.status})"
