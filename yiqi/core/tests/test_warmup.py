"""A new web worker loads its views and caches before it takes a request; a failing step does not stop it."""

import logging

import pytest

from yiqi.core import warmup


@pytest.fixture
def warmers(monkeypatch):
    registered = []
    monkeypatch.setattr(warmup, "_warmers", registered)
    return registered


def test_every_registered_cache_is_loaded_once_and_timed(warmers):
    loaded = []

    def load_prices():
        loaded.append("prices")

    warmup.register(load_prices)
    warmup.register(load_prices)  # an app's ready() may run twice
    took = warmup.run()
    assert loaded == ["prices"]
    assert set(took) == {"yiqi.core.warmup.import_views", f"{__name__}.{load_prices.__qualname__}"}
    assert all(seconds >= 0 for seconds in took.values())


def test_a_failing_step_is_logged_and_the_others_still_load(warmers, caplog):
    loaded = []

    def broken():
        raise ConnectionError("database not up yet")

    def load_prices():
        loaded.append("prices")

    warmup.register(broken)
    warmup.register(load_prices)
    with caplog.at_level(logging.ERROR, logger="yiqi.core.warmup"):
        took = warmup.run()
    assert loaded == ["prices"]
    assert not any(name.endswith("broken") for name in took)
    assert "the first request will load it" in caplog.text


def test_the_worker_reports_alive_after_every_step(warmers):
    """gunicorn's heartbeat: a long warm-up is not taken for a hung worker and killed."""
    beats = []
    warmup.register(lambda: None)
    warmup.run(after_step=lambda: beats.append(1))
    assert len(beats) == 2  # the views, then the registered step
