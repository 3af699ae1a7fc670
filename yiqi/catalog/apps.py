from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """The public catalogue's search core: a database-agnostic full-text index over published instruments."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.catalog"
    verbose_name = _("仪器检索")

    def ready(self):
        from yiqi.core import warmup

        from . import signals  # noqa: F401
        from .search import warm

        warmup.register(warm)
