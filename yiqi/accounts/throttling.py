"""Who is asking, and how often they may fail: the client address, login lockouts and API throttles.

Behind a reverse proxy every request arrives from the proxy's address, so ``REMOTE_ADDR`` says nothing about the
client, and anything the client wrote into ``X-Forwarded-For`` says what the client wants. Each trusted proxy
appends the address it saw to ``X-Forwarded-For``; with ``YIQI_TRUSTED_PROXY_COUNT`` = N, the N-th entry from the
right is the address the outermost trusted proxy saw, and everything left of it is the client's own claim.
:func:`client_address` is the one place that reads it: django-axes (``AXES_CLIENT_IP_CALLABLE``) and the API
throttles use it.

Lockouts (django-axes, :class:`LoginAttemptHandler`) never lock an account for everyone: failures count per
(address, username) and per address. ``AXES_FAILURE_LIMIT`` failures for one username from one address stop that
username from that address; ``YIQI_LOGIN_FAILURES_PER_ADDRESS`` failures from one address, whatever the usernames,
stop that address. Both last ``AXES_COOLOFF_TIME``; the same account from another address is unaffected.
"""

import hashlib
import ipaddress
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_credentials, get_failure_limit
from axes.models import AccessLog
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from rest_framework.throttling import ScopedRateThrottle

log = logging.getLogger(__name__)

ADDRESS_ONLY = "ip_address"
ADDRESS_AND_USERNAME = ["ip_address", "username"]
# The order matters to LoginAttemptHandler: the combination first, the address alone second.
LOCKOUT_PARAMETERS = [ADDRESS_AND_USERNAME, ADDRESS_ONLY]


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's address as far as the trusted proxies vouch for it (never a value the client chose)."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    trusted = settings.YIQI_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [entry.strip() for entry in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < trusted:
        # Fewer hops than trusted proxies: the request did not come through them all. Count it against the
        # connecting address, which the client cannot choose.
        log.warning("X-Forwarded-For has %d entries, %d trusted proxies expected", len(forwarded), trusted)
        return remote
    return _valid_address(forwarded[-trusted]) or remote


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (``AXES_LOCKOUT_CALLABLE``): 429, how long, and that it is this address."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    response = render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


class LoginRateThrottle(ScopedRateThrottle):
    """The per-address rate of the token endpoint (scope ``login``), keyed on the real client address."""

    def get_ident(self, request):
        return client_address(request)


class LoginAttemptHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for the address alone.

    axes has one failure limit for every lockout parameter; the address alone gets the larger
    ``YIQI_LOGIN_FAILURES_PER_ADDRESS`` here. A successful login clears only the failures of that username from that
    address, so a valid account of the attacker's own cannot wipe the address's count.
    """

    def get_failures(self, request, credentials=None) -> int:
        combination, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.YIQI_LOGIN_FAILURES_PER_ADDRESS:
            return max(combination, get_failure_limit(request, credentials))
        return combination

    def reset_user_attempts(self, request, credentials=None) -> int:
        combination = self.filter_user_attempts(request, credentials)[0]
        count, _ = combination.delete()
        return count

    def user_logged_in(self, sender, request, user, **kwargs):
        """As axes does, except that a login without a session (an API token request) does not create one."""
        credentials = get_credentials(user.get_username())
        self.clean_expired_user_attempts(request, credentials)
        if not settings.AXES_DISABLE_ACCESS_LOG:
            session_key = getattr(getattr(request, "session", None), "session_key", None)
            AccessLog.objects.create(
                username=user.get_username(),
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
                http_accept=request.axes_http_accept,
                path_info=request.axes_path_info,
                attempt_time=request.axes_attempt_time,
                session_hash=hashlib.sha256(session_key.encode()).hexdigest() if session_key else "",
            )
        if settings.AXES_RESET_ON_SUCCESS:
            self.reset_user_attempts(request, credentials)
