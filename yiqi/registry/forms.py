from django import forms
from django.utils.translation import gettext_lazy as _

from yiqi.accounts.access import Access
from yiqi.accounts.models import UNIT_STAFF_ROLES, User
from yiqi.core.forms import BootstrapFormMixin, DateInput, IdListField
from yiqi.organizations.models import Organization, SubUnit

from .models import Instrument, InstrumentAttachment, InstrumentCategory


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class InstrumentForm(BootstrapFormMixin, forms.ModelForm):
    category = CategoryChoiceField(
        label=_("分类代码"),
        queryset=InstrumentCategory.objects.all(),
        to_field_name="code",
        error_messages={"invalid_choice": _("未知的分类代码，请从国家分类表中选择。")},
    )

    class Meta:
        model = Instrument
        fields = [
            "unit", "kind", "parent", "sub_unit", "asset_number", "name", "name_en", "category",
            "original_value", "source", "customs_supervised", "funding_source", "manufacturer",
            "country_of_origin", "domestic_original", "domestic_core_parts", "model_spec", "technical_indicators", "main_functions", "application_fields",
            "disciplines", "service_content", "campus", "building", "room", "acceptance_date", "start_of_use_date",
            "manager",
            "contact_name", "contact_phone", "contact_email", "sharing_mode", "not_shared_reason",
            "operating_status", "offers_self_operation", "offers_commissioned_testing", "open_policy", "usage_rules",
            "customs_declaration_number", "customs_import_date", "customs_item_number", "customs_form_name",
        ]  # fmt: skip
        widgets = {
            "acceptance_date": DateInput(),
            "start_of_use_date": DateInput(),
            "customs_import_date": DateInput(),
            "technical_indicators": forms.Textarea(attrs={"rows": 3}),
            "main_functions": forms.Textarea(attrs={"rows": 3}),
            "open_policy": forms.Textarea(attrs={"rows": 4}),
            "usage_rules": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "open_policy": _("可使用简单格式（段落、加粗、列表、链接），其他标记会被移除。"),
            "original_value": _("单位：元，保留两位小数。"),
        }

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        unit_ids = {self.instance.unit_id} if self.instance.pk else access.editor_unit_ids
        self.fields["unit"].queryset = Organization.objects.filter(pk__in=unit_ids)
        if self.instance.pk:
            self.fields["unit"].disabled = True
        elif len(unit_ids) == 1:
            self.fields["unit"].initial = next(iter(unit_ids))
        self.fields["sub_unit"].queryset = SubUnit.objects.filter(unit_id__in=unit_ids).select_related("unit")
        self.fields["parent"].queryset = (
            Instrument.objects.filter(unit_id__in=unit_ids)
            .exclude(kind=Instrument.Kind.SINGLE_INSTRUMENT)
            .exclude(pk=self.instance.pk)
        )
        self.fields["manager"].queryset = (
            User.objects.filter(
                role_assignments__organization_id__in=unit_ids, role_assignments__role__in=UNIT_STAFF_ROLES
            )
            .distinct()
            .order_by("full_name")
        )


class TransitionForm(BootstrapFormMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BulkTransitionForm(BootstrapFormMixin, forms.Form):
    ids = IdListField()
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("意见"), required=False, max_length=1000)


class AttachmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = InstrumentAttachment
        fields = ["kind", "file", "title"]
