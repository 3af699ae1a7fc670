from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.orders"
    verbose_name = _("委托测试")

    def ready(self):
        from yiqi.servicerecords import kinds
        from yiqi.servicerecords.models import ServiceKind

        kinds.register(ServiceKind.COMMISSIONED_TESTING, relation="test_order", url_name="orders:detail")
