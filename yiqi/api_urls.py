"""REST API v1: each app contributes its viewsets to one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from yiqi.accounts.api import ObtainTokenView
from yiqi.catalog.api import SearchView
from yiqi.organizations.api import register_routes as register_organization_routes
from yiqi.registry.api import register_routes as register_registry_routes

router = DefaultRouter()
register_organization_routes(router)
register_registry_routes(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("search/", SearchView.as_view(), name="api-search"),
    path("", include(router.urls)),
]
