"""Site inbox and email: the one way any app tells people something."""

from collections.abc import Iterable

from django.db import transaction

from .models import Notification


def notify(recipients: Iterable, subject: str, body: str = "", url: str = "") -> list[Notification]:
    """Put a message in each recipient's inbox and email those who have an address (after commit)."""
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    notes = Notification.objects.bulk_create(
        Notification(recipient_id=pk, subject=subject[:200], body=body, url=url) for pk in users
    )
    addresses = sorted({user.email for user in users.values() if user.email})
    if addresses:
        from .tasks import send_email

        transaction.on_commit(lambda: send_email(subject, body + (f"\n\n{url}" if url else ""), addresses))
    return notes


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
