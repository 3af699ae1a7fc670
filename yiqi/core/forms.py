from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .workflow import BULK_LIMIT


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes and marks invalid fields for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        # Marked after validation, never during __init__: subclasses narrow their querysets first.
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class IdListField(forms.Field):
    """The ticked rows of a list: ids, at least one and at most ``BULK_LIMIT``."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            ids = list(dict.fromkeys(int(v) for v in value or ()))
        except (TypeError, ValueError):
            raise forms.ValidationError(_("所选记录无效。")) from None
        if not ids:
            raise forms.ValidationError(_("请至少勾选一条记录。"))
        if len(ids) > BULK_LIMIT:
            raise forms.ValidationError(_("一次最多处理 %(max)d 条记录。") % {"max": BULK_LIMIT})
        return ids


def add_errors(request, form, error: ValidationError) -> None:
    """A service's field errors on the form's fields; anything else as a message on top of the page."""
    fields = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, texts in fields.items():
        if field in form.fields:
            form.add_error(field, texts)
        else:
            messages.error(request, " ".join(texts))
