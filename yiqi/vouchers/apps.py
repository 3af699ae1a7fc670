from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.vouchers"
    verbose_name = _("科技创新券")

    def ready(self):
        from . import receivers

        receivers.connect()
