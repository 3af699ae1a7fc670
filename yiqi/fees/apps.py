from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.fees"
    verbose_name = _("收费")

    def ready(self):
        from . import receivers

        receivers.connect()
