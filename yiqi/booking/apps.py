from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.booking"
    verbose_name = _("预约")

    def ready(self):
        from yiqi.servicerecords import kinds
        from yiqi.servicerecords.models import ServiceKind

        from . import receivers  # noqa: F401

        kinds.register(ServiceKind.SELF_OPERATION, relation="booking", url_name="booking:detail")
