"""The platform administrator's pages for setting up the province: add regions, departments and units (each
unit with its first admin's invitation) one by one, or import them from the template."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiqi.core.exports import XLSX_CONTENT_TYPE
from yiqi.core.forms import BootstrapFormMixin
from yiqi.core.spreadsheets import validate_xlsx_upload
from yiqi.organizations.models import Department, Organization, Region

from . import onboarding, onboarding_import
from .access import access_for
from .models import Invitation, Role


class PlatformAdminMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access_for(request.user).is_platform_admin:
            raise PermissionDenied(_("只有平台管理员可以登记行政区划、主管部门和管理单位。"))
        return super().dispatch(request, *args, **kwargs)


def invitation_link_for(request):
    return lambda token: request.build_absolute_uri(reverse("accounts:invitation", args=[token]))


class ProvinceImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件"),
        help_text=gettext_lazy("请使用导入模板填写，仅支持 .xlsx 格式。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_xlsx_upload(upload)
        return upload


class RegionForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("行政区划代码"), max_length=6, help_text=gettext_lazy("6 位数字（GB/T 2260）")
    )
    name = forms.CharField(label=gettext_lazy("名称"), max_length=50)


class DepartmentForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    region = forms.ModelChoiceField(label=gettext_lazy("所在区划"), queryset=Region.objects.all())
    admin_email = forms.EmailField(
        label=gettext_lazy("部门管理员邮箱"),
        required=False,
        help_text=gettext_lazy("填写后系统向此邮箱发送邀请链接，7 天内有效；也可以以后再邀请。"),
    )


class UnitForm(BootstrapFormMixin, forms.ModelForm):
    admin_email = forms.EmailField(
        label=gettext_lazy("单位管理员邮箱"), help_text=gettext_lazy("系统向此邮箱发送邀请链接，7 天内有效。")
    )

    class Meta:
        model = Organization
        fields = ["name", "short_name", "kind", "credit_code", "region", "supervising_department", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervising_department"].required = True
        self.fields["credit_code"].required = True

    def validate_unique(self):
        pass  # the service reports clashes with the way to resolve them


def unit_rows(limit=20):
    """The latest units with the state of their first admin's invitation, in three queries."""
    units = list(
        Organization.objects.management_units()
        .select_related("supervising_department")
        .annotate(admins=Count("role_assignments", filter=Q(role_assignments__role=Role.UNIT_ADMIN)))
        .order_by("-created_at", "-pk")[:limit]
    )
    invitations = {}
    for invitation in Invitation.objects.filter(organization__in=units, role=Role.UNIT_ADMIN).order_by(
        "created_at"
    ):
        invitations[invitation.organization_id] = invitation
    return [(unit, invitations.get(unit.pk)) for unit in units]


class SetupView(PlatformAdminMixin, View):
    """Counts, the import and links to the forms; POST imports a filled template."""

    template_name = "accounts/setup.html"

    def get(self, request):
        return self.render(ProvinceImportForm())

    def post(self, request):
        form = ProvinceImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        result = onboarding_import.ProvinceImport(
            form.cleaned_data["file"], actor=request.user, link_for=invitation_link_for(request)
        ).run()
        if not result.ok:
            return self.render(form, result=result, status=400)
        messages.success(
            request,
            _(
                "导入完成：新增行政区划 %(regions)d 个、主管部门 %(departments)d 个、管理单位 %(units)d 个（已向其管理员发送邀请），"
                "跳过已登记的 %(skipped)d 行。"
            )
            % {
                "regions": len(result.regions),
                "departments": len(result.departments),
                "units": len(result.units),
                "skipped": result.skipped,
            },
        )
        return redirect("accounts:setup")

    def render(self, form, result=None, status=200):
        context = {
            "form": form,
            "result": result,
            "counts": {
                "regions": Region.objects.count(),
                "departments": Department.objects.count(),
                "units": Organization.objects.management_units().count(),
            },
            "units": unit_rows(),
        }
        return render(self.request, self.template_name, context, status=status)


class SetupTemplateView(PlatformAdminMixin, View):
    def get(self, request):
        return HttpResponse(
            onboarding_import.build_template(),
            content_type=XLSX_CONTENT_TYPE,
            headers={"Content-Disposition": content_disposition_header(True, "省级平台初始化导入模板.xlsx")},
        )


class SetupFormView(PlatformAdminMixin, View):
    """One form of the setup: the service makes the object, its field errors go back on the form."""

    template_name = "accounts/setup_form.html"
    form_class: type[forms.Form]
    title = ""

    def get(self, request):
        return self.render(self.form_class())

    def post(self, request):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                done = self.save(form)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, done)
                return redirect("accounts:setup")
        return self.render(form, status=400)

    def render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "title": self.title}, status=status)


class RegionCreateView(SetupFormView):
    form_class = RegionForm
    title = gettext_lazy("登记行政区划")

    def save(self, form):
        region = onboarding.create_region(actor=self.request.user, **form.cleaned_data)
        return _("已登记行政区划：%(name)s（%(code)s）。") % {"name": region.name, "code": region.code}


class DepartmentCreateView(SetupFormView):
    form_class = DepartmentForm
    title = gettext_lazy("登记主管部门")

    def save(self, form):
        department = onboarding.create_department(
            actor=self.request.user, link_for=invitation_link_for(self.request), **form.cleaned_data
        )
        if form.cleaned_data["admin_email"]:
            return _("已登记主管部门“%(name)s”，邀请已发送至 %(email)s。") % {
                "name": department.name,
                "email": form.cleaned_data["admin_email"],
            }
        return _("已登记主管部门：%(name)s。") % {"name": department.name}


class UnitCreateView(SetupFormView):
    form_class = UnitForm
    title = gettext_lazy("登记管理单位")

    def save(self, form):
        unit, invitation = onboarding.create_unit(
            unit=form.save(commit=False),
            admin_email=form.cleaned_data["admin_email"],
            actor=self.request.user,
            link_for=invitation_link_for(self.request),
        )
        return _("已登记管理单位“%(name)s”，邀请已发送至 %(email)s。") % {
            "name": unit.name,
            "email": invitation.email,
        }
