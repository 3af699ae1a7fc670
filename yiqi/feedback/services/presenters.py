"""Plain data for pages: the ratings panels of the instrument and unit pages, how a rating is shown, and the
workspace's list of what waits for the user. Template tags only call these."""

from django.db.models import QuerySet

from yiqi.accounts.access import Access, access_for
from yiqi.booking.models import Booking, BookingStatus
from yiqi.orders.models import OrderStatus, TestOrder
from yiqi.registry import scoping

from ..models import Complaint, ComplaintStatus, Rating
from .complaints import handled_complaints, supervised_complaints
from .deadlines import ACTIVE_STATES, overdue_q
from .ratings import manageable_ratings, mask_name, public_ratings
from .summaries import summarize

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
    latest = list(ratings.select_related("user", "instrument__unit", "replied_by")[:LATEST_RATINGS])
    return {
        "summary": summarize(ratings),
        "rows": [
            (rating, rating.replied_at is None and scoping.can_manage_service(access, rating.instrument))
            for rating in latest
        ],
    }


def instrument_ratings_panel(access: Access, instrument) -> dict:
    return ratings_panel(access, public_ratings(access).filter(instrument=instrument))


def unit_ratings_panel(access: Access, unit) -> dict:
    """Only ratings of the unit's instruments this viewer may see: the unit page is public, its drafts are not."""
    return ratings_panel(access, public_ratings(access).filter(unit=unit))


def awaiting_rating(user) -> tuple[list[Booking], list[TestOrder], int]:
    """The user's completed bookings and orders not rated yet (newest first) and how many there are."""
    bookings = Booking.objects.filter(user=user, status=BookingStatus.COMPLETED, rating__isnull=True)
    orders = TestOrder.objects.filter(user=user, status=OrderStatus.COMPLETED, rating__isnull=True)
    return (
        list(bookings.select_related("instrument").order_by("-ends_at", "-id")[:WORKSPACE_ROWS]),
        list(orders.select_related("instrument").order_by("-updated_at", "-id")[:WORKSPACE_ROWS]),
        bookings.count() + orders.count(),
    )


def workspace_summary(user) -> dict:
    """What needs the user's attention: ratings to give, complaints to handle, replies owed, overdue cases;
    nothing for visitors."""
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    bookings, orders, to_rate = awaiting_rating(user)
    summary = {
        "to_rate_bookings": bookings,
        "to_rate_orders": orders,
        "to_rate_count": to_rate,
        "to_confirm": list(
            Complaint.objects.filter(complainant=user, status=ComplaintStatus.RESOLVED).order_by(
                "auto_close_on", "id"
            )[:WORKSPACE_ROWS]
        ),
    }
    if access.staff_unit_ids:
        handled = handled_complaints(access)
        summary["open_complaints"] = handled.filter(status__in=ACTIVE_STATES).count()
        summary["overdue_handled"] = handled.filter(overdue_q()).count()
        summary["unreplied_ratings"] = manageable_ratings(access).filter(replied_at__isnull=True).count()
    if access.department_ids or access.is_platform_admin:
        overdue = supervised_complaints(access).filter(overdue_q())
        summary["overdue_supervised"] = list(
            overdue.select_related("unit").order_by("due_on", "id")[:WORKSPACE_ROWS]
        )
        summary["overdue_supervised_count"] = overdue.count()
    return summary
