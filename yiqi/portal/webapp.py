"""The installable web app: its manifest, the service worker and the page it shows when the phone is offline.

The worker is served from the site's root (``/sw.js``) so that its scope is the whole site. It keeps the shell
(the styles, scripts and icons every page loads, and the offline page) in the browser's cache, answers pages from
the network and, when there is none, with the offline page. It never stores a page: they are people's own data.
"""

import hashlib
import json

from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from yiqi.organizations.models import Deployment

THEME_COLOR = "#0b3d91"  # the navigation bar's blue
SHELL = (
    "vendor/bootstrap-5.3.9/bootstrap.min.css",
    "vendor/bootstrap-icons-1.13.2/bootstrap-icons.min.css",
    "css/yiqi.css",
    "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "js/yiqi.js",
    "icons/icon-192.png",
)


class ManifestView(View):
    def get(self, request):
        name = Deployment.current().name
        icons = [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ]
        manifest = {
            "name": name,
            "short_name": _("仪器共享"),
            "description": _("查找、预约和使用科研仪器"),
            "lang": request.LANGUAGE_CODE,
            "start_url": reverse("portal:home"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": THEME_COLOR,
            "icons": icons,
        }
        response = HttpResponse(
            json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json"
        )
        response["Cache-Control"] = "public, max-age=3600"
        return response


class ServiceWorkerView(TemplateView):
    """The worker script; its cache name changes with the shell's file names, so a new release replaces the cache."""

    template_name = "portal/sw.js"
    content_type = "text/javascript; charset=utf-8"

    def get_context_data(self, **kwargs):
        shell = [static(path) for path in SHELL]
        offline = reverse("offline")
        return super().get_context_data(
            shell_json=json.dumps([offline, *shell]),
            offline_json=json.dumps(offline),
            version=hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12],
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Service-Worker-Allowed"] = "/"
        response["Cache-Control"] = "no-cache"  # the browser checks for a new worker on every visit
        return response


class OfflineView(TemplateView):
    """What a phone shows when it has no connection: in both languages, since the page is cached once for all."""

    template_name = "portal/offline.html"
