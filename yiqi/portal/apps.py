from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.portal"
    verbose_name = _("门户")

    def ready(self):
        from . import receivers  # noqa: F401
