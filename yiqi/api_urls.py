"""REST API v1: each app contributes its viewsets to one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from yiqi.accounts.api import ObtainTokenView
from yiqi.accounts.directory_api import register_routes as register_directory_routes
from yiqi.alliances import api as alliances_api
from yiqi.booking import api as booking_api
from yiqi.catalog import api as catalog_api
from yiqi.catalog.api import SearchView
from yiqi.census import api as census_api
from yiqi.demands import api as demands_api
from yiqi.evaluation import api as evaluation_api
from yiqi.exchange import api as exchange_api
from yiqi.experts import api as experts_api
from yiqi.feedback import api as feedback_api
from yiqi.fees import api as fees_api
from yiqi.interlocks import api as interlocks_api
from yiqi.monitoring import api as monitoring_api
from yiqi.orders import api as orders_api
from yiqi.outcomes import api as outcomes_api
from yiqi.portal import api as portal_api
from yiqi.purchases import api as purchases_api
from yiqi.registry.api import register_routes as register_registry_routes
from yiqi.resources import api as resources_api
from yiqi.usage import api as usage_api
from yiqi.vouchers import api as vouchers_api

SERVICE_APIS = (
    booking_api,
    orders_api,
    fees_api,
    usage_api,
    monitoring_api,
    interlocks_api,
    vouchers_api,
    feedback_api,
    resources_api,
    census_api,
    alliances_api,
    exchange_api,
    experts_api,
    outcomes_api,
    evaluation_api,
    purchases_api,
    demands_api,
)

router = DefaultRouter()
register_directory_routes(router)
register_registry_routes(router)
for service_api in SERVICE_APIS:
    service_api.register_routes(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("search/", SearchView.as_view(), name="api-search"),
    *portal_api.urlpatterns,
    *catalog_api.urlpatterns,
    *(pattern for service_api in SERVICE_APIS for pattern in service_api.urlpatterns),
    path("", include(router.urls)),
]
