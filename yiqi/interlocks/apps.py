from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterlocksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.interlocks"
    verbose_name = _("联锁控制")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
