from django import template

from yiqi.accounts.access import access_for

from .. import presenters

register = template.Library()


@register.inclusion_tag("purchases/origin.html", takes_context=True)
def purchase_origin(context, instrument):
    """For the instrument's page: the duplicate-purchase review it was bought under (for those who may see it)."""
    request = context.get("request")
    return presenters.purchase_origin(access_for(getattr(request, "user", None)), instrument)
