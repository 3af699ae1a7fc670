from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceRecordsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.servicerecords"
    verbose_name = _("服务记录")
