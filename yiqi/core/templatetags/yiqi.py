from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.http import urlencode
from django.utils.translation import get_language

register = template.Library()


@register.filter
def yuan(value) -> str:
    """12345.6 → '12,345.60' (Decimal arithmetic, never float)."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


@register.filter
def wan_yuan(value) -> str:
    """Yuan expressed in 万元 with two decimals, as the national platform reports values; in millions on English
    pages, whose labels say "CNY million" (nobody reads "10k CNY")."""
    if value in (None, ""):
        return "0.00"
    divisor = 1_000_000 if (get_language() or "").startswith("en") else 10_000
    return f"{(Decimal(value) / divisor).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True)


@register.simple_tag(takes_context=True)
def query_toggle(context, key: str, value) -> str:
    """The current query string with ``value`` added to or removed from the list ``key`` (back to page 1)."""
    params = context["request"].GET.copy()
    values = params.getlist(key)
    value = str(value)
    params.setlist(key, [v for v in values if v != value] if value in values else [*values, value])
    params.pop("page", None)
    return "?" + urlencode(sorted(params.lists()), doseq=True)
