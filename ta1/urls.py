from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import ArticleSitemap
from pages.views import draft_preview

from . import second_factor
from .views import healthz, robots_txt

second_factor_urls = (
    [path("", second_factor.enrol, name="enrol"), path("code/", second_factor.verify, name="verify")],
    "second_factor",
)

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Articles and reader comments"

urlpatterns = [
    path("", include("pages.urls")),
    path("", include("comments.urls")),
    path("", include("outbox.urls")),
    path("admin/second-factor/", include(second_factor_urls)),
    # The link `manage.py create_staff` prints: a new staff member sets their own password.
    path(
        "admin/password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_set",
    ),
    path("admin/password/set/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # The draft preview shows the article page, which pages/ composes; it lives
    # among the article's admin pages and behind the admin's login.
    path(
        "admin/articles/article/<str:object_id>/preview/",
        admin.site.admin_view(draft_preview),
        name="article_draft_preview",
    ),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": {"articles": ArticleSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
]

handler400 = "ta1.views.bad_request"
handler500 = "ta1.views.server_error"
