"""Facts read once per page view: the deployment's settings, whether the viewer serves any instrument. Several panels
of one page ask the same question; the first answer serves the rest of that request.

Only reads (GET, HEAD) remember: they never write, so nothing they remember can go stale before they end. Outside
such a request (a POST, a task, a shell) every call reads afresh.

Questions with one-value answers (a count, a sum, whether any row exists) can be asked ahead (``ask``): the next
read of the page — the frame's deployment row (``first_with_asked``) or the first panel's ``answers`` — answers
them all in the same query, so a page of many panels' counts pays one round trip for them.
"""

from collections.abc import Callable, Hashable
from contextvars import ContextVar

from django.db.models import Expression, QuerySet

from .queries import read_together

_memo: ContextVar[dict | None] = ContextVar("yiqi_request_memo", default=None)
_ASKED = object()  # the memo's entry for questions asked but not answered yet


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


def ask(questions: dict[Hashable, Expression]) -> None:
    """Notes one-value questions (see ``answers``) a page will ask, so that they are answered together with the
    next read of this request. Outside a read request, nothing."""
    memo = _memo.get()
    if memo is not None:
        memo.setdefault(_ASKED, {}).update(questions)


def _unanswered(memo: dict, questions: dict) -> dict:
    return {key: question for key, question in questions.items() if key not in memo}


def answers(questions: dict[Hashable, Expression]) -> dict:
    """The answers to one-value questions (``Exists``, ``queries.total``) by key: those this request holds, the
    rest read in one query together with every question asked ahead (``ask``)."""
    memo = _memo.get()
    if memo is None:
        return read_together(questions)
    missing = _unanswered(memo, questions)
    if missing:
        prime(read_together({**_unanswered(memo, memo.pop(_ASKED, {})), **missing}))
    return {key: memo[key] for key in questions}


def first_with_asked(queryset: QuerySet):
    """The queryset's first row, carrying the answers to the questions asked so far in the same query (a row read
    once per page, the deployment, brings them along); None when there is no row (they stay asked)."""
    memo = _memo.get()
    asked = _unanswered(memo, memo.get(_ASKED, {})) if memo is not None else {}
    names = {f"answer_{n}": key for n, key in enumerate(asked)}
    row = queryset.annotate(**{name: asked[key] for name, key in names.items()}).first()
    if row is not None and names:
        prime({key: getattr(row, name) for name, key in names.items()})
        del memo[_ASKED]
    return row


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
