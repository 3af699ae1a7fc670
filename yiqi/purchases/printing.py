"""The printable opinion (意见书): the filed record — application, evidence, opinions, decision — as one PDF, the
same for the page and the API."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from yiqi.accounts.access import Access
from yiqi.core import pdf

from . import presenters, services
from .models import PurchaseApplication


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
    return pdf.render("purchases/print.html", record_context(access, application), request)
