"""Superusers get the admin role (and a check keeps it so); profile bios get a length limit.

The check constraint is validated against every existing row: on PostgreSQL that is one
sequential scan under a short exclusive lock (well under a second at a million users).
"""

from django.db import migrations, models


def superusers_are_admins(apps, schema_editor) -> None:
    User = apps.get_model("users", "User")
    User.objects.filter(is_superuser=True).exclude(role="admin").update(role="admin")


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0003_trigram_statistics"),
    ]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="bio",
            field=models.TextField(blank=True, default="", max_length=2000),
        ),
        migrations.RunPython(superusers_are_admins, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_superuser", False), ("role", "admin"), _connector="OR"),
                name="users_user_superuser_is_admin",
                violation_error_message="A superuser's role is always admin.",
            ),
        ),
    ]
