"""Amounts typed by people: yuan with at most two decimals, within sane bounds (rounding is ``core.money``)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yiqi.core.money import FEN

# Far above any real unit price or correction, low enough to catch a figure typed in fen or with extra zeros.
MAX_RATE = Decimal("1000000.00")
MAX_ADJUSTMENT = Decimal("10000000.00")


def parse_money(value, *, maximum: Decimal, signed: bool = False) -> Decimal:
    """A yuan amount with at most two decimals; ValidationError with a message a person understands."""
    if isinstance(value, float):
        value = repr(value)  # never let binary floating point into money
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise ValidationError(_("请填写金额（元），如 120 或 120.50。")) from None
    if not number.is_finite():
        raise ValidationError(_("请填写金额（元），如 120 或 120.50。"))
    if number != number.quantize(FEN):
        raise ValidationError(_("金额最多保留两位小数（精确到分）。"))
    if number < 0 and not signed:
        raise ValidationError(_("金额不能为负数。"))
    if abs(number) > maximum:
        raise ValidationError(_("金额不能超过 %(max)s 元，请检查是否填错。") % {"max": f"{maximum:,.2f}"})
    return number.quantize(FEN)
