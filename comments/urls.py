from django.urls import path

from . import views
from .feeds import LatestCommentsFeed

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post_comment, name="post"),
    path("comments/feed/", LatestCommentsFeed(), name="feed"),
    path("comments/<int:pk>/", views.comment_permalink, name="permalink"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("comments/<int:pk>/reply/", views.reply_page, name="reply"),
    path("comments/<int:pk>/reply-as-site/", views.site_reply, name="site_reply"),
]
