"""The two pieces a notification template repeats, written for the part being rendered (text or HTML)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def fact(context, label, value):
    """One fact of the message (instrument, time, place, amount…); nothing when the value is empty."""
    if value is None or str(value).strip() == "":
        return ""
    if context.get("part") == "text":
        return _("%(label)s：%(value)s") % {"label": label, "value": value} + "\n"
    return format_html(
        '<tr><th align="left" valign="top" width="32%" bgcolor="#f3f5f7">{}</th><td valign="top">{}</td></tr>',
        label,
        value,
    )
