from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.resources"
    verbose_name = _("科技资源")

    def ready(self):
        from yiqi.servicerecords import kinds
        from yiqi.servicerecords.models import ServiceKind

        kinds.register(
            ServiceKind.RESOURCE_SUPPLY, relation="resource_request", url_name="resources:request_detail"
        )
