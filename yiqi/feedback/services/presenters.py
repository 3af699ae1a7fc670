"""Plain data for pages: the ratings panels of the instrument and unit pages, how a rating is shown, and the
workspace's list of what waits for the user. Template tags only call these."""

from django.db.models import Count, QuerySet, Window
from django.urls import reverse

from yiqi.accounts.access import Access, access_for
from yiqi.core.memo import answers
from yiqi.core.queries import rows_and_total, total
from yiqi.servicerecords.models import ServiceRecord, ServiceStatus
from yiqi.servicerecords.presenters import ServicePanel

from ..models import Complaint, ComplaintStatus, Rating
from .complaints import complaints_to_handle, supervised_complaints
from .deadlines import overdue_q
from .ratings import (
    ASPECTS,
    can_reply,
    manageable_ratings,
    mask_name,
    public_ratings,
    rating_of,
    rating_refusal,
)
from .summaries import summary_aggregates, summary_of

LATEST_RATINGS = 10
WORKSPACE_ROWS = 10
MAX_STARS = 5


def star_counts(score) -> tuple[int, int] | None:
    """(filled, empty) stars for a score, rounded to whole stars within 0–5; None when there is no score."""
    if score in (None, ""):
        return None
    filled = max(0, min(MAX_STARS, round(float(score))))
    return filled, MAX_STARS - filled


def rater_label(rating: Rating) -> str:
    """ "张** · 企业": masked name and organisation kind, never the whole identity."""
    kind = rating.get_rater_kind_display()
    return f"{mask_name(rating.user)} · {kind}" if kind else mask_name(rating.user)


def ratings_panel(access: Access, ratings: QuerySet[Rating]) -> dict:
    """The summary and the latest ratings, each with whether this viewer may still reply to it."""
    # The summary over all the ratings rides on the latest rows as window aggregates: one read. Without rows
    # there is nothing to summarise (an empty summary).
    windows = {f"all_{name}": Window(aggregate) for name, aggregate in summary_aggregates().items()}
    latest = list(
        ratings.select_related("user", "instrument__unit", "replied_by").annotate(**windows)[:LATEST_RATINGS]
    )
    totals = {name: getattr(latest[0], f"all_{name}") if latest else 0 for name in summary_aggregates()}
    return {
        "summary": summary_of(totals),
        "rows": [(rating, rating.replied_at is None and can_reply(access, rating)) for rating in latest],
    }


def instrument_ratings_panel(access: Access, instrument) -> dict:
    return ratings_panel(access, public_ratings(access).filter(instrument=instrument))


def unit_ratings_panel(access: Access, unit) -> dict:
    """Only ratings of the unit's instruments this viewer may see: the unit page is public, its drafts are not."""
    return ratings_panel(access, public_ratings(access).filter(unit=unit))


def awaiting_rating(user) -> tuple[list[ServiceRecord], int]:
    """The user's completed service records not rated yet (latest completed first) and how many there are."""
    records = ServiceRecord.objects.filter(user=user, status=ServiceStatus.COMPLETED, rating__isnull=True)
    return rows_and_total(
        records.select_related("instrument").order_by("-completed_at", "-id"), WORKSPACE_ROWS
    )


RATING_PANEL_POSITION = 30  # after the charge (fees: 20)


def service_rating_panel(record: ServiceRecord, user) -> ServicePanel | None:
    """The rating part of a service's page: the rating once given, else the link to give it when ``user`` may
    (``rating_refusal``); nothing otherwise."""
    rating = rating_of(record)
    if rating is not None:
        context = {
            "rating": {
                **{aspect: getattr(rating, aspect) for aspect in ASPECTS},
                "comment": rating.comment,
                "created_at": rating.created_at,
                "reply": rating.reply,
                "replied_at": rating.replied_at,
            }
        }
    elif rating_refusal(record, user) is None:
        context = {"rate_url": reverse("feedback:rate", args=[record.pk])}
    else:
        return None
    return ServicePanel("feedback/_service_rating.html", context, position=RATING_PANEL_POSITION)


def feedback_workspace_counts(access: Access) -> dict:
    """The workspace panel's counts as questions (``memo.answers``), for unit staff: complaints to handle (and how
    many are overdue), ratings awaiting a reply."""
    if not access.staff_unit_ids:
        return {}
    handled = complaints_to_handle(access)
    counts = {
        "open_complaints": handled,
        "overdue_handled": handled.filter(overdue_q()),
        "unreplied_ratings": manageable_ratings(access).filter(replied_at__isnull=True),
    }
    return {("feedback", name, access.user_id): total(rows, Count("pk")) for name, rows in counts.items()}


def workspace_summary(user) -> dict:
    """What needs the user's attention: ratings to give, complaints to handle, replies owed, overdue cases;
    nothing for visitors."""
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    to_rate, to_rate_count = awaiting_rating(user)
    summary = {
        "to_rate": to_rate,
        "to_rate_count": to_rate_count,
        "to_confirm": list(
            Complaint.objects.filter(complainant=user, status=ComplaintStatus.RESOLVED).order_by(
                "auto_close_on", "id"
            )[:WORKSPACE_ROWS]
        ),
    }
    if access.staff_unit_ids:
        counts = answers(feedback_workspace_counts(access))
        for name in ("open_complaints", "overdue_handled", "unreplied_ratings"):
            summary[name] = counts[("feedback", name, access.user_id)]
    if access.department_ids or access.is_platform_admin:
        summary["overdue_supervised"], summary["overdue_supervised_count"] = rows_and_total(
            supervised_complaints(access).filter(overdue_q()).select_related("unit").order_by("due_on", "id"),
            WORKSPACE_ROWS,
        )
    return summary
