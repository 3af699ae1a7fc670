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

        warmup.register(warm_search)


def warm_search():
    """The search index and dictionary, loaded in each web worker (imported here only when used: ``migrate``,
    the task consumer and other commands never search)."""
    from .search import warm

    warm()
