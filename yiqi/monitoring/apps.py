from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.monitoring"
    verbose_name = _("远程监测")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
