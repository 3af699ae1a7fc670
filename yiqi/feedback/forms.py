"""Forms only collect input; every rule (ranges, lengths, who may do what) is checked by ``services``."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.accounts.access import Access
from yiqi.core.forms import BootstrapFormMixin
from yiqi.organizations.models import Organization
from yiqi.registry import scoping
from yiqi.registry.models import Instrument
from yiqi.servicerecords.models import ServiceRecord

from .services import (
    ASPECTS,
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
)

SCORE_CHOICES = [
    ("5", _("非常满意")),
    ("4", _("满意")),
    ("3", _("一般")),
    ("2", _("不满意")),
    ("1", _("很不满意")),
]
RECENT_CHOICES = 50


class StarRadioSelect(forms.RadioSelect):
    """Plain radio buttons (styled as stars by CSS), so rating works without JavaScript."""

    def __init__(self):
        super().__init__(attrs={"class": "btn-check"}, choices=SCORE_CHOICES)


class RatingForm(forms.Form):
    overall = forms.CharField(label=_("总体评价"), required=False, widget=StarRadioSelect())
    timeliness = forms.CharField(label=_("及时性"), required=False, widget=StarRadioSelect())
    attitude = forms.CharField(label=_("服务态度"), required=False, widget=StarRadioSelect())
    result_quality = forms.CharField(label=_("结果质量"), required=False, widget=StarRadioSelect())
    comment = forms.CharField(
        label=_("评价内容"),
        required=False,
        strip=False,
        help_text=_("选填，纯文本，不超过 %(n)d 字。") % {"n": COMMENT_MAX_LENGTH},
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH, "class": "form-control"}),
    )

    def score_fields(self):
        return [self[aspect] for aspect in ASPECTS]


class ReplyForm(BootstrapFormMixin, forms.Form):
    reply = forms.CharField(
        label=_("单位回复"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REPLY_MAX_LENGTH}),
    )


class ComplaintForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("被投诉单位"),
        required=False,
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": _("所选单位不存在。")},
    )
    instrument = forms.ModelChoiceField(
        label=_("涉及仪器"),
        required=False,
        queryset=Instrument.objects.none(),
        help_text=_("选填。列出您使用过的仪器；也可从仪器页面进入投诉。"),
        error_messages={"invalid_choice": _("所选仪器不存在。")},
    )
    record = forms.ModelChoiceField(
        label=_("相关服务"),
        required=False,
        queryset=ServiceRecord.objects.none(),
        error_messages={"invalid_choice": _("只能关联您本人的预约或委托测试单。")},
    )
    subject = forms.CharField(
        label=_("投诉事项"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": SUBJECT_MAX_LENGTH}),
    )
    description = forms.CharField(
        label=_("详细情况"),
        required=False,
        strip=False,
        help_text=_("请写明时间、经过和您的诉求，不超过 %(n)d 字。") % {"n": DESCRIPTION_MAX_LENGTH},
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX_LENGTH}),
    )

    def __init__(self, *args, user, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organization.objects.management_units().order_by("name")
        records = ServiceRecord.objects.filter(user=user).select_related("instrument").order_by("-created_at")
        self.fields["record"].queryset = records
        # Any visible instrument is accepted; the list offers the ones the user has used (and a preset one).
        instrument = self.fields["instrument"]
        instrument.queryset = scoping.visible_instruments(access).select_related("unit")
        preset = self.initial.get("instrument")
        used = Q(service_records__user=user) | Q(pk=getattr(preset, "pk", preset))
        offered = instrument.queryset.filter(used).distinct().order_by("name")[:RECENT_CHOICES]
        instrument.widget.choices = [("", "---------")] + [
            (i.pk, f"{i.name}（{i.unit.name}）") for i in offered
        ]
        self.fields["record"].widget.choices = [("", "---------")] + [
            (r.pk, f"{r.reference} {r.instrument.name if r.instrument_id else r.content}")
            for r in records[:RECENT_CHOICES]
        ]


class ComplaintStepForm(BootstrapFormMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    upheld = forms.NullBooleanField(
        label=_("投诉是否成立（办结时认定）"),
        required=False,
        widget=forms.Select(choices=[("", "---------"), ("true", _("成立")), ("false", _("不成立"))]),
    )
    comment = forms.CharField(
        label=_("说明"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": DESCRIPTION_MAX_LENGTH}),
    )
