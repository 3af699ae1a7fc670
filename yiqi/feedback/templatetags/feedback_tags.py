"""Ratings and complaints on other apps' pages: the instrument page, the unit page and the workspace.

``{% load feedback_tags %}`` then ``{% instrument_ratings instrument %}``, ``{% unit_ratings unit %}``,
``{% feedback_workspace %}``. What to show comes from ``services.presenters``; these only render it.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from yiqi.accounts.access import access_for
from yiqi.feedback import services
from yiqi.feedback.forms import ReplyForm
from yiqi.feedback.models import Rating

register = template.Library()


@register.filter
def stars(score) -> str:
    """4 → ★★★★☆, read out as "4 星" by screen readers."""
    counts = services.star_counts(score)
    if counts is None:
        return ""
    filled, empty = counts
    return format_html(
        '<span class="text-warning text-nowrap" role="img" aria-label="{}">{}<span class="text-body-tertiary">{}</span></span>',
        _("%(score)s 星") % {"score": score},
        "★" * filled,
        "☆" * empty,
    )


@register.filter
def rater(rating: Rating) -> str:
    return services.rater_label(rating)


def _user(context):
    return getattr(context.get("request"), "user", None)


def _with_reply_form(context, panel: dict, **extra) -> dict:
    request = context.get("request")
    return {
        **panel,
        "reply_form": ReplyForm(),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request else "",
        **extra,
    }


@register.inclusion_tag("feedback/_instrument_ratings.html", takes_context=True)
def instrument_ratings(context, instrument):
    """Averages and the latest ratings with the unit's replies, for the instrument page."""
    panel = services.instrument_ratings_panel(access_for(_user(context)), instrument)
    return _with_reply_form(context, panel)


@register.inclusion_tag("feedback/_unit_ratings.html", takes_context=True)
def unit_ratings(context, unit):
    """Averages over all the unit's instruments and the latest ratings, for the unit page."""
    panel = services.unit_ratings_panel(access_for(_user(context)), unit)
    return _with_reply_form(context, panel, unit=unit)


@register.inclusion_tag("feedback/_workspace.html", takes_context=True)
def feedback_workspace(context):
    """Ratings to give, complaints to handle, replies owed, overdue complaints: whatever concerns the user."""
    return services.workspace_summary(_user(context))
