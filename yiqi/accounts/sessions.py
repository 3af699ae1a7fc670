"""Signed-in sessions end after a spell of inactivity: ``YIQI_STAFF_IDLE_MINUTES`` for staff (unit staff,
department administrators, the platform administrator), ``YIQI_IDLE_MINUTES`` for everyone else. A staff session
also ends ``YIQI_STAFF_SESSION_HOURS`` after login, anyone else's after ``SESSION_COOKIE_AGE``.

Activity is recorded in a signed cookie bound to the session (never in the database), so reading a page still
writes nothing; without that cookie the login time counts as the last activity, so dropping it shortens a session
and never lengthens it.
"""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import access_for

LOGIN_AT = "yiqi_login_at"
IDLE_SECONDS = "yiqi_idle_seconds"
LIFETIME_SECONDS = "yiqi_lifetime_seconds"
NONCE = "yiqi_session_nonce"
SEEN_COOKIE = "yiqi_seen"
SALT = "yiqi.accounts.sessions.seen"
REFRESH_SECONDS = 60  # the activity cookie is re-issued at most once a minute


def is_staff(user) -> bool:
    access = access_for(user)
    return bool(user.is_staff or access.is_platform_admin or access.department_ids or access.staff_unit_ids)


def limits_for(user) -> tuple[int, int]:
    """(idle seconds, lifetime seconds) of a session of ``user``."""
    if is_staff(user):
        return settings.YIQI_STAFF_IDLE_MINUTES * 60, settings.YIQI_STAFF_SESSION_HOURS * 3600
    return settings.YIQI_IDLE_MINUTES * 60, settings.SESSION_COOKIE_AGE


def start(request, user) -> None:
    """At login (the session already holds the user): the session's limits and its activity nonce."""
    idle, lifetime = limits_for(user)
    session = request.session
    session[LOGIN_AT] = timezone.now().timestamp()
    session[IDLE_SECONDS] = idle
    session[LIFETIME_SECONDS] = lifetime
    session[NONCE] = secrets.token_hex(8)
    session.set_expiry(lifetime)
    request._yiqi_seen_due = True


def on_login(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: only for a login into this session (not an API token request)."""
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) == str(user.pk):
        start(request, user)


def _last_seen(request, session) -> float:
    try:
        nonce, seen = signing.loads(request.COOKIES.get(SEEN_COOKIE, ""), salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return 0.0
    return float(seen) if nonce == session.get(NONCE) else 0.0


class IdleTimeoutMiddleware:
    """Logs out a session idle for longer than its limit; notes activity in the signed cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = timezone.now().timestamp()
        seen = 0.0
        if SESSION_KEY in session:
            seen = _last_seen(request, session)
            idle, login_at = session.get(IDLE_SECONDS), session.get(LOGIN_AT, 0.0)
            too_old = now - login_at > session.get(LIFETIME_SECONDS, 0)
            if idle is None or too_old or now - max(seen, login_at) > idle:
                logout(request)
                messages.info(request, _("您长时间未操作，已自动退出，请重新登录。"))
        response = self.get_response(request)
        session = request.session
        if SESSION_KEY in session and NONCE in session:
            if getattr(request, "_yiqi_seen_due", False) or now - seen >= REFRESH_SECONDS:
                response.set_cookie(
                    SEEN_COOKIE,
                    signing.dumps([session[NONCE], now], salt=SALT),
                    max_age=session[IDLE_SECONDS],
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        elif SEEN_COOKIE in request.COOKIES:
            response.delete_cookie(SEEN_COOKIE, samesite="Lax")
        return response
