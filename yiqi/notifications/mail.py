"""Writing a notification as an email: subject, text and HTML bodies, absolute links, the recipient's language.

A kind's template, ``notifications/email/<kind>.html``, is written once and rendered twice: over
``layout.txt`` for the text part and over ``layout.html`` for the HTML part (``{% extends layout %}``); its facts
use the ``fact`` tag, which writes a line or a table row for the part being rendered.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.template.loader import select_template
from django.urls import reverse
from django.utils import translation

GENERIC_KIND = "notice"


def absolute_url(path: str) -> str:
    """A link any mail client can open: the site's address (``YIQI_SITE_URL``) joined with the site path."""
    return urljoin(settings.YIQI_SITE_URL.rstrip("/") + "/", path) if path else ""


def _template(kind: str):
    names = [f"notifications/email/{kind}.html"] if kind else []
    return select_template([*names, f"notifications/email/{GENERIC_KIND}.html"])


def compose(*, language: str, subject, body, url: str, kind: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of one notification for readers of ``language``; rendered in that language."""
    with translation.override(language):
        subject = " ".join(str(subject).split())  # a header is one line
        values = {
            **context,
            "subject": subject,
            "body": str(body).strip(),
            "url": absolute_url(url),
            "inbox_url": absolute_url(reverse("notifications:inbox")),
            "profile_url": absolute_url(reverse("accounts:profile")),
            "language": language,
        }
        template = _template(kind)
        text = template.render({**values, "layout": "notifications/email/layout.txt", "part": "text"})
        html = template.render({**values, "layout": "notifications/email/layout.html", "part": "html"})
    return subject, _tidy(text), html


def _tidy(text: str) -> str:
    """Template tags leave blank lines behind; a plain-text mail keeps at most one empty line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(kept) + "\n"
