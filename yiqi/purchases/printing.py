"""The printable opinion (意见书): the filed record — application, evidence, opinions, decision — as one PDF, the
same for the page and the API."""

from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access

from . import presenters, services
from .models import PurchaseApplication

# The PDF's layout (WeasyPrint): A4, a CJK font, ruled tables.
PRINT_CSS = """
@page { size: A4; margin: 18mm 15mm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 16pt; text-align: center; } h2 { font-size: 12pt; margin-top: 14pt; }
table { width: 100%; border-collapse: collapse; } th, td { border: 0.5pt solid #444; padding: 3pt 4pt; }
th { background: #eee; text-align: left; }
"""


def record_context(access: Access, application: PurchaseApplication) -> dict:
    """What the record shows (page and PDF): the experts' opinions to the authority and the unit, to others once
    decided."""
    shows_reviews = (
        services.is_authority(access)
        or application.unit_id in access.staff_unit_ids
        or application.is_decided
    )
    return {
        "application": application,
        "quotes": application.quotes.all(),
        "evidence": presenters.evidence_summary(application),
        "reviews": application.reviews.select_related("expert") if shows_reviews else [],
        "scores": services.mean_scores(application),
    }


def opinion_pdf(access: Access, application: PurchaseApplication, request=None) -> bytes:
    if not application.is_decided:
        raise PermissionDenied(_("出具意见后才能打印。"))
    from weasyprint import CSS, HTML

    html = render_to_string("purchases/print.html", record_context(access, application), request=request)
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=PRINT_CSS)])
