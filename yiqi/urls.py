from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from yiqi.portal import webapp

# Swagger UI: its start-up script is served from the same URL (?script), not inline; its page keeps a small inline
# <style> of its own, allowed on this page only.
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

admin.site.site_header = _("仪器开放共享平台管理")
admin.site.site_title = _("仪器开放共享平台管理")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The installable web app: at the root, so that the service worker's scope is the whole site.
    path("manifest.webmanifest", webapp.ManifestView.as_view(), name="webapp_manifest"),
    path("sw.js", webapp.ServiceWorkerView.as_view(), name="service_worker"),
    path("offline/", webapp.OfflineView.as_view(), name="offline"),
    path("api/v1/", include("yiqi.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
    path("accounts/", include("yiqi.accounts.urls")),
    path("instruments/", include("yiqi.registry.urls")),
    path("catalog/", include("yiqi.catalog.urls")),
    path("inbox/", include("yiqi.notifications.urls")),
    path("booking/", include("yiqi.booking.urls")),
    path("orders/", include("yiqi.orders.urls")),
    path("fees/", include("yiqi.fees.urls")),
    path("usage/", include("yiqi.usage.urls")),
    path("monitoring/", include("yiqi.monitoring.urls")),
    path("interlocks/", include("yiqi.interlocks.urls")),
    path("feedback/", include("yiqi.feedback.urls")),
    path("vouchers/", include("yiqi.vouchers.urls")),
    path("resources/", include("yiqi.resources.urls")),
    path("census/", include("yiqi.census.urls")),
    path("alliances/", include("yiqi.alliances.urls")),
    path("exchange/", include("yiqi.exchange.urls")),
    path("outcomes/", include("yiqi.outcomes.urls")),
    path("evaluation/", include("yiqi.evaluation.urls")),
    path("purchases/", include("yiqi.purchases.urls")),
    path("demands/", include("yiqi.demands.urls")),
    path("", include("yiqi.portal.urls")),
]

# No media serving, not even in DEBUG: every uploaded file is private and reaches a browser only through the view of
# the record it belongs to (instrument photos and documents: ``registry:attachment_file``).
