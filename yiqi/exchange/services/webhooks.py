"""Signed webhooks: a unit's system hears about the events it subscribed to, and every attempt is logged.

Each delivery is a POST of JSON with ``X-Yiqi-Event``, ``X-Yiqi-Delivery`` (a UUID: the receiver drops one it has
seen), ``X-Yiqi-Timestamp`` (Unix seconds) and ``X-Yiqi-Signature: sha256=<hex>``, the HMAC-SHA256 of
``"<timestamp>.<body>"`` under the webhook's secret. A receiver refuses a wrong signature and a timestamp outside
its replay window (``verify``, ``YIQI_WEBHOOK_REPLAY_SECONDS``). Anything but a 2xx answer is tried again through
Huey after ``YIQI_WEBHOOK_RETRY_SECONDS`` × 2^(attempt−1), at most ``YIQI_WEBHOOK_MAX_ATTEMPTS`` times; each
attempt signs afresh, so a late retry is still inside the window.
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.core.models import AuditEvent

from ..models import Webhook, WebhookDelivery, WebhookEvent

D = WebhookDelivery.Status


def managed_units(access: Access) -> set[int]:
    return set(access.unit_admin_unit_ids)


def visible_webhooks(access: Access) -> QuerySet[Webhook]:
    return Webhook.objects.filter(unit_id__in=managed_units(access))


def visible_deliveries(access: Access) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(webhook__unit_id__in=managed_units(access)).select_related(
        "webhook"
    )


def _check_url(url: str) -> list[str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [_("请填写 http:// 或 https:// 开头的地址。")]
    if settings.YIQI_WEBHOOK_REQUIRE_PUBLIC:
        if parts.scheme != "https":
            return [_("推送地址须使用 https。")]
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
        except OSError:
            return [_("无法解析该地址的主机名。")]
        if any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses):
            return [_("推送地址不能指向内网或本机。")]
    return []


@transaction.atomic
def create_webhook(access: Access, *, unit, url: str, events: list[str], actor) -> tuple[Webhook, str]:
    """A webhook for ``unit``; returns it with its signing secret, shown this once."""
    if unit.pk not in managed_units(access):
        raise PermissionDenied(_("只有本单位管理员可以设置事件推送。"))
    errors = {}
    if problems := _check_url(url):
        errors["url"] = problems
    if not events or set(events) - set(WebhookEvent.values):
        errors["events"] = [
            _("请选择订阅的事件：%(choices)s。") % {"choices": ", ".join(WebhookEvent.values)}
        ]
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(
        unit=unit, url=url, events=sorted(set(events)), secret=secret, created_by=actor
    )
    AuditEvent.record(webhook, "create", actor=actor, data={"url": url, "events": webhook.events})
    return webhook, secret


@transaction.atomic
def disable_webhook(access: Access, webhook: Webhook, *, actor) -> Webhook:
    if webhook.unit_id not in managed_units(access):
        raise PermissionDenied(_("只有本单位管理员可以停用事件推送。"))
    if webhook.is_active:
        webhook.is_active = False
        webhook.save(update_fields=["is_active"])
        AuditEvent.record(webhook, "disable", actor=actor)
    return webhook


# --- announcing and delivering ------------------------------------------------------------------------------------


def announce(unit_id: int, event: str, data: dict) -> int:
    """Queue ``event`` for every active webhook of the unit subscribed to it; each is sent after the commit."""
    hooks = [h for h in Webhook.objects.filter(unit_id=unit_id, is_active=True) if event in h.events]
    if not hooks:
        return 0
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            webhook=hook,
            event=event,
            event_id=uuid.uuid4(),
            payload={"event": event, "unit": unit_id, "occurred_at": now.isoformat(), "data": data},
        )
        for hook in hooks
    )
    from .. import tasks  # the task module imports the services

    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [tasks.deliver_webhook(pk) for pk in ids])
    return len(ids)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, headers, body: bytes, *, now: float | None = None) -> str:
    """What a receiver checks (the unit systems' reference, and the tests'): '' when the delivery is genuine and
    fresh, else a machine-readable reason: ``bad_timestamp``, ``replayed`` (outside the window) or ``bad_signature``."""
    try:
        timestamp = int(headers.get("X-Yiqi-Timestamp", ""))
    except ValueError:
        return "bad_timestamp"
    if abs((now or time.time()) - timestamp) > settings.YIQI_WEBHOOK_REPLAY_SECONDS:
        return "replayed"
    if not hmac.compare_digest(sign(secret, timestamp, body), headers.get("X-Yiqi-Signature", "")):
        return "bad_signature"
    return ""


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=settings.YIQI_WEBHOOK_RETRY_SECONDS * 2 ** (attempt - 1))


def deliver(delivery_id: int) -> WebhookDelivery | None:
    """One attempt; on failure the next is scheduled with backoff until the attempts run out."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("webhook")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != D.PENDING:
            return delivery
        delivery.attempts += 1
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    hook = delivery.webhook
    body = json.dumps(delivery.payload, ensure_ascii=False, cls=DjangoJSONEncoder).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Yiqi-Webhook/1",
        "X-Yiqi-Event": delivery.event,
        "X-Yiqi-Delivery": str(delivery.event_id),
        "X-Yiqi-Timestamp": str(timestamp),
        "X-Yiqi-Signature": sign(hook.secret, timestamp, body),
    }
    status, error = None, ""
    if not hook.is_active:
        error = _("推送地址已停用。")
    else:
        try:
            response = requests.post(
                hook.url,
                data=body,
                headers=headers,
                timeout=settings.YIQI_WEBHOOK_TIMEOUT,
                allow_redirects=False,
            )
            status = response.status_code
            if not 200 <= status < 300:
                error = _("对方应答 HTTP %(status)s。") % {"status": status}
        except requests.RequestException as exc:
            error = (str(exc) or type(exc).__name__)[:500]
    return _note(delivery, status, error, retry=hook.is_active)


def _note(delivery: WebhookDelivery, status: int | None, error: str, *, retry: bool) -> WebhookDelivery:
    delivery.response_status, delivery.last_error = status, error[:500]
    fields = ["response_status", "last_error", "status", "delivered_at", "next_attempt_at"]
    if not error:
        delivery.status, delivery.delivered_at = D.DELIVERED, timezone.now()
    elif retry and delivery.attempts < settings.YIQI_WEBHOOK_MAX_ATTEMPTS:
        delay = backoff(delivery.attempts)
        delivery.next_attempt_at = timezone.now() + delay
        from .. import tasks

        transaction.on_commit(
            lambda: tasks.deliver_webhook.schedule((delivery.pk,), delay=delay.total_seconds())
        )
    else:
        delivery.status = D.FAILED
    delivery.save(update_fields=fields)
    return delivery


def due_deliveries() -> list[int]:
    """Pending deliveries whose retry time has come (in case a scheduled retry was lost with a restarted consumer)."""
    return list(
        WebhookDelivery.objects.filter(status=D.PENDING, next_attempt_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
