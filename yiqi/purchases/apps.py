from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.purchases"
    verbose_name = _("购置查重评议")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
