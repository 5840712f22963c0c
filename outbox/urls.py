from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    # The address every unsubscribe link already sent points at.
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
