from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.exchange"
    verbose_name = _("数据交换")

    def ready(self):
        from . import receivers  # noqa: F401
