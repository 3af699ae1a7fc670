"""Facts read once per page view: the deployment's settings, whether the viewer serves any instrument. Several panels
of one page ask the same question; the first answer serves the rest of that request.

Only reads (GET, HEAD) remember: they never write, so nothing they remember can go stale before they end. Outside
such a request (a POST, a task, a shell) every call reads afresh.
"""

from collections.abc import Callable, Hashable
from contextvars import ContextVar

_memo: ContextVar[dict | None] = ContextVar("yiqi_request_memo", default=None)


def remembered(key: Hashable, read: Callable):
    """``read()``, or what it returned earlier in this read request."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def remembering() -> bool:
    """Whether this is a read request, whose answers are remembered."""
    return _memo.get() is not None


def recalls(key: Hashable) -> bool:
    """Whether this request already holds the answer to ``key``."""
    memo = _memo.get()
    return memo is not None and key in memo


def prime(answers: dict) -> None:
    """Keeps answers read together in one query, so the functions that would each read one later read nothing."""
    memo = _memo.get()
    if memo is not None:
        for key, answer in answers.items():
            memo.setdefault(key, answer)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
