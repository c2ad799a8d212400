"""Health routes, mounted at /api/v1/health/ and /health/."""

from django.urls import path

from monitoring import views

urlpatterns = [
    path("", views.ready, name="health"),
    path("ready/", views.ready, name="health-ready"),
    path("live/", views.live, name="health-live"),
]
