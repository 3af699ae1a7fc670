"""Ratings and complaints on other apps' pages: the instrument page, the unit page and the workspace.

``{% load feedback_tags %}`` then ``{% instrument_ratings instrument %}``, ``{% unit_ratings unit %}``,
``{% feedback_workspace %}``.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from yiqi.accounts.access import access_for
from yiqi.feedback import services
from yiqi.feedback.forms import ReplyForm
from yiqi.feedback.models import Rating
from yiqi.registry import scoping

register = template.Library()

LATEST = 10


@register.filter
def stars(score) -> str:
    """4 → ★★★★☆, read out as "4 星" by screen readers."""
    if score in (None, ""):
        return ""
    filled = max(0, min(5, round(float(score))))
    return format_html(
        '<span class="text-warning text-nowrap" role="img" aria-label="{}">{}<span class="text-body-tertiary">{}</span></span>',
        _("%(score)s 星") % {"score": score},
        "★" * filled,
        "☆" * (5 - filled),
    )


@register.filter
def rater(rating: Rating) -> str:
    """ "张** · 企业": masked name and organisation kind, never the whole identity."""
    kind = rating.get_rater_kind_display()
    return f"{services.mask_name(rating.user)} · {kind}" if kind else services.mask_name(rating.user)


def _access(context):
    return access_for(getattr(context.get("request"), "user", None))


def _ratings_context(context, access, ratings, **extra) -> dict:
    """Ratings limited to instruments the viewer may see: the unit page is public, its drafts are not."""
    request = context.get("request")
    summary = services.summarize(ratings)
    latest = list(ratings.select_related("user", "instrument__unit", "replied_by")[:LATEST])
    return {
        "summary": summary,
        "rows": [
            (rating, rating.replied_at is None and scoping.can_manage_service(access, rating.instrument))
            for rating in latest
        ],
        "reply_form": ReplyForm(),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request else "",
        **extra,
    }


@register.inclusion_tag("feedback/_instrument_ratings.html", takes_context=True)
def instrument_ratings(context, instrument):
    """Averages and the latest ratings with the unit's replies, for the instrument page."""
    access = _access(context)
    return _ratings_context(context, access, services.public_ratings(access).filter(instrument=instrument))


@register.inclusion_tag("feedback/_unit_ratings.html", takes_context=True)
def unit_ratings(context, unit):
    """Averages over all the unit's instruments and the latest ratings, for the unit page."""
    access = _access(context)
    return _ratings_context(context, access, services.public_ratings(access).filter(unit=unit), unit=unit)


@register.inclusion_tag("feedback/_workspace.html", takes_context=True)
def feedback_workspace(context):
    """Ratings to give, complaints to handle, replies owed, overdue complaints: whatever concerns the user."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return services.workspace_summary(user)
