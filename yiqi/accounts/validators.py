"""Password validators beyond Django's own (listed in ``AUTH_PASSWORD_VALIDATORS``)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotBlankPasswordValidator:
    """Refuses a password made of whitespace only (ten spaces pass a length check) or of one or two characters
    repeated."""

    min_distinct = 3

    def validate(self, password, user=None):
        if not password.strip():
            raise ValidationError(_("密码不能全部由空格组成。"), code="password_blank")
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                _("密码至少要包含 %(n)d 个不同的字符。") % {"n": self.min_distinct},
                code="password_repetitive",
            )

    def get_help_text(self):
        return _("密码不能全部是空格，且至少包含 %(n)d 个不同的字符。") % {"n": self.min_distinct}


class PublishedPasswordValidator:
    """Refuses passwords that are published (the demo password in the README): ``passwords`` comes from settings,
    empty in the development profile so that ``make run``'s demo accounts keep working."""

    def __init__(self, passwords=()):
        self.passwords = {p.strip().casefold() for p in passwords}

    def validate(self, password, user=None):
        if password.strip().casefold() in self.passwords:
            raise ValidationError(_("这是公开发布的演示密码，不能使用。"), code="password_published")

    def get_help_text(self):
        return _("不能使用公开发布的演示密码。")
