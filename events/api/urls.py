"""/api/: the versioned API (v1/), its schema and docs, and the token page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from events.api import views

app_name = "api"

router = SimpleRouter()
router.register("events", views.EventViewSet, basename="event")
router.register("entities", views.EntityViewSet, basename="entity")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("articles", views.ArticleViewSet, basename="article")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("token/", views.token_page, name="token"),
]
