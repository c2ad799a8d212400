"""WSGI entry point of the textbook baseline (`gunicorn -c config/gunicorn.py bench.textbook.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.textbook.settings")
application = get_wsgi_application()
