from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import ArticleSitemap
from articles.views import robots_txt

from .views import healthz

urlpatterns = [
    path("", include("articles.urls")),
    path("", include("comments.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": {"articles": ArticleSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
]

handler500 = "articles.views.server_error"
