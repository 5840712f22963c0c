from django.urls import path

from . import views

# The article's addresses keep the namespace named for what they show
# (articles:detail, ...), the names templates, apps and tests reverse, though
# the page that answers them lives here rather than in the articles app.
app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path(
        "articles/<slug:slug>/comments/received/<str:receipt>/",
        views.comment_received,
        name="comment_received",
    ),
    path("comments/<int:pk>/in-place/", views.comment_in_place, name="comment_in_place"),
]
