"""Site inbox and email: the one way any app tells people something.

Every message is written for its recipient, in the language they chose (``User.language``): a subject or body given
as a :class:`Phrase` (or a lazy translation) is translated then, a plain string is taken as it is. The email has a
text and an HTML part, built from ``notifications/email/<kind>.txt|.html`` when the caller names a ``kind`` and such
templates exist, else from the generic ``notice`` templates; every link in it is absolute (``YIQI_SITE_URL``).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from yiqi.core.bulk import insert

from .models import Notification


class Phrase:
    """Words translated only when written for a recipient: ``Phrase(gettext_lazy("预约已确认：%(instrument)s"),
    instrument=name)``. Values may themselves be lazy (a choice's label) or phrases."""

    def __init__(self, text, /, **values):
        self.text, self.values = text, values

    def __str__(self) -> str:
        if not self.values:
            return str(self.text)
        return str(self.text) % {key: _written(value) for key, value in self.values.items()}

    def __repr__(self) -> str:
        return f"Phrase({self.text!r}, {self.values!r})"


def _written(value):
    return str(value) if isinstance(value, Promise | Phrase) else value


def language_of(user) -> str:
    """The language a user reads their messages in: their choice, else the site's default."""
    chosen = getattr(user, "language", "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def notify(
    recipients: Iterable,
    subject,
    body="",
    url: str = "",
    *,
    kind: str = "",
    context: Mapping | None = None,
) -> list[Notification]:
    """Put a message in each active recipient's inbox and email those who have an address (after commit).

    ``subject`` and ``body`` are strings, lazy translations or :class:`Phrase`; ``url`` is a site path
    (``reverse(...)``); ``kind`` names the email templates that show the facts in ``context``."""
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    by_language: dict[str, list] = defaultdict(list)
    for user in users.values():
        by_language[language_of(user)].append(user)
    notes = []
    for language, people in by_language.items():
        with translation.override(language):
            words = {"subject": str(subject)[:200], "body": str(body)}
        notes += [Notification(recipient=user, url=url, **words) for user in people]
    notes = insert(notes)
    mailed = {
        language: sorted({user.email for user in people if user.email})
        for language, people in by_language.items()
    }
    mailed = {language: addresses for language, addresses in mailed.items() if addresses}
    if mailed:
        from .tasks import send_letter

        letter = {"subject": subject, "body": body, "url": url, "kind": kind, "context": dict(context or {})}
        # Written (templates rendered) by a worker, not in the request that had something to say.
        transaction.on_commit(lambda: send_letter(letter, mailed))
    return notes


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
