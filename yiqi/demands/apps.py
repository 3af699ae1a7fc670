from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.demands"
    verbose_name = _("供需对接")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
