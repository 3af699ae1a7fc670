"""Web forms of commissioned testing. They parse input; ``services`` decides what is allowed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yiqi.accounts.services import organizations_of
from yiqi.core.forms import BootstrapFormMixin
from yiqi.core.uploads import RESULTS

from . import services
from .models import OrderFormField


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's errors on the form's fields (keys the form does not have go to the top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class OrderForm(BootstrapFormMixin, forms.Form):
    """The order form: fixed sample fields, then the instrument's own questions (one field per key)."""

    sample_name = forms.CharField(label=_("样品名称"), max_length=100)
    sample_count = forms.IntegerField(label=_("样品数量"), widget=forms.NumberInput(attrs={"min": 1}))
    sample_description = forms.CharField(
        label=_("样品描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("材质、尺寸、状态、是否有毒或易燃等。仅您本人和承担检测的人员可见。"),
    )
    requirements = forms.CharField(
        label=_("检测要求"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    return_samples = forms.BooleanField(label=_("检测后退还样品"), required=False)
    user_organization = forms.ModelChoiceField(label=_("用户单位"), queryset=None, required=False)
    fixed_names = (
        "sample_name", "sample_count", "sample_description", "requirements", "return_samples", "user_organization"
    )  # fmt: skip

    def __init__(self, *args, instrument, user, **kwargs):
        self.questions = list(instrument.order_form_fields.all())
        super().__init__(*args, **kwargs)
        organizations = organizations_of(user)
        self.fields["user_organization"].queryset = organizations
        self.fields["user_organization"].empty_label = None
        if organizations.count() <= 1:
            del self.fields["user_organization"]
        # Required answers are checked by the service (the API shares the rule); the browser only hints.
        for question in self.questions:
            self.fields[question.key] = self._answer_field(question)

    @staticmethod
    def _answer_field(question: OrderFormField) -> forms.Field:
        kind = OrderFormField.FieldType
        attrs = {"class": "form-control", **({"required": True} if question.required else {})}
        select_attrs = {**attrs, "class": "form-select"}
        if question.field_type == kind.NUMBER:
            widget = forms.NumberInput(attrs={**attrs, "step": "any"})
        elif question.field_type == kind.CHOICE:
            choices = [("", "—"), *((c, c) for c in question.choice_list)]
            widget = forms.Select(attrs=select_attrs, choices=choices)
        elif question.field_type == kind.BOOLEAN:
            widget = forms.Select(
                attrs=select_attrs, choices=[("", "—"), ("true", _("是")), ("false", _("否"))]
            )
        else:
            widget = forms.TextInput(attrs={**attrs, "maxlength": services.MAX_TEXT_ANSWER})
        field = forms.CharField(
            label=question.label, help_text=question.help_text, required=False, widget=widget
        )
        field.asked_required = question.required
        return field

    def answers(self) -> dict:
        return {q.key: self.cleaned_data.get(q.key, "") for q in self.questions}


class ActionForm(BootstrapFormMixin, forms.Form):
    """One step of the state machine with whatever that step records."""

    action = forms.ChoiceField(choices=[(name, step.label) for name, step in services.TRANSITIONS.items()])
    comment = forms.CharField(
        label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    hours = forms.DecimalField(
        label=_("预估机时（小时）"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": 0}),
    )
    machine_hours = forms.DecimalField(
        label=_("实际机时（小时）"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": 0}),
    )
    tested_from = forms.DateTimeField(label=_("检测开始"), required=False, widget=DateTimeInput())
    tested_until = forms.DateTimeField(label=_("检测结束"), required=False, widget=DateTimeInput())

    def params(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("hours", "machine_hours", "tested_from", "tested_until")
            if data.get(name) is not None
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ResultUploadForm(BootstrapFormMixin, forms.Form):
    files = MultipleFileField(
        label=_("结果文件"),
        required=False,
        help_text=_("可多选。接受 PDF、Excel、CSV、Word、文本、ZIP、PNG、JPG、TIF。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in RESULTS.extensions)


class AssignForm(BootstrapFormMixin, forms.Form):
    staff = forms.ModelMultipleChoiceField(
        label=_("负责人员"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = services.assignable_staff(order)
        self.fields["staff"].widget.attrs["class"] = "form-check-input"
        if "staff" not in self.initial:  # the page may know them already
            self.initial["staff"] = list(order.assigned_staff.values_list("pk", flat=True))


class FormFieldForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = OrderFormField
        fields = ["label", "key", "field_type", "choices", "required", "help_text"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"key": _("英文字母、数字、下划线或连字符，用于 API 和数据导出，如 element_range。")}
