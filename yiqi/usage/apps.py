from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.usage"
    verbose_name = _("使用记录")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
