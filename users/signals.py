"""Signals the users app sends: subscribe to them for side effects such as cache bumps."""

from django.dispatch import Signal

# Sent once after a transaction that changed users or profiles commits, with
# `logins_only=True` when all it did was record logins (`last_login_at`). See
# services.announce_users_changed().
users_changed = Signal()

# Sent after a transaction that created users commits, with `user_ids`: for welcome
# emails and anything else that greets new users.
users_created = Signal()
