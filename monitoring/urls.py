"""Health routes, mounted at /api/v1/health/ and /health/."""

from django.urls import path

from monitoring import views

urlpatterns = [
    path("", views.ReadyView.as_view(), name="health"),
    path("ready/", views.ReadyView.as_view(), name="health-ready"),
    path("live/", views.LiveView.as_view(), name="health-live"),
]
