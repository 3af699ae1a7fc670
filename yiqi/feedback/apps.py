from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.feedback"
    verbose_name = _("评价与投诉")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
