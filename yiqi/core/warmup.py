"""What a new web worker loads before its first request, so that no visitor waits for it.

A fresh process imports every view on its first request, and apps fill their in-process caches on first use (the
catalogue's search index, its synonym table and the jieba dictionary: seconds together, more at national scale).
gunicorn calls ``run`` in each worker before the worker accepts requests (``post_worker_init`` in
``deploy/gunicorn.conf.py``), also in the workers that replace recycled ones. Apps register what to load from
``AppConfig.ready``. A warmer that fails (the database not up yet, say) is logged and left to the first request.
"""

import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

_warmers: list[Callable[[], object]] = []


def register(warmer: Callable[[], object]) -> Callable[[], object]:
    """Load ``warmer``'s cache in every new web worker (once, however often ``ready`` runs)."""
    if warmer not in _warmers:
        _warmers.append(warmer)
    return warmer


def import_views() -> None:
    """Every app's URLconf and the views it names."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loading the patterns imports the views


def run(after_step: Callable[[], object] | None = None) -> dict[str, float]:
    """Run every warmer; seconds each took, by name (a failed one is logged and skipped). ``after_step`` is called
    after each one: gunicorn's heartbeat, so that a long warm-up is not taken for a hung worker."""
    took = {}
    for warmer in [import_views, *_warmers]:
        name = f"{warmer.__module__}.{warmer.__qualname__}"
        started = time.perf_counter()
        try:
            warmer()
        except Exception:
            logger.exception("warm-up step %s failed; the first request will load it", name)
        else:
            took[name] = time.perf_counter() - started
        if after_step is not None:
            after_step()
    return took
