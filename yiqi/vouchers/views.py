"""Voucher pages: the role-scoped overview, programmes with their dashboard and finance export, applications,
provider registration, paying a service, claims and batches. Views only call ``services``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import AccessMixin
from yiqi.core.forms import add_errors
from yiqi.core.storage import private_file_response
from yiqi.core.views import ActionMessagesMixin
from yiqi.organizations.models import Department, Organization
from yiqi.servicerecords.models import ServiceRecord

from .forms import (
    AmountReasonForm,
    ApplicationForm,
    BatchStepForm,
    ClaimForm,
    DecisionForm,
    PayForm,
    ProgrammeForm,
    ProviderForm,
)
from .services import claims, payments, presenters, programmes, providers, quotas, reports


class VoucherView(AccessMixin, ActionMessagesMixin, LoginRequiredMixin, View):
    pass


class HomeView(VoucherView):
    def get(self, request):
        return render(request, "vouchers/home.html", presenters.home(self.access))


class ProgrammeCreateView(VoucherView):
    def form(self, data=None):
        access = self.access
        departments = (
            Department.objects.all()
            if access.is_platform_admin
            else Department.objects.filter(pk__in=access.department_ids)
        )
        return ProgrammeForm(data, departments=departments, parents=programmes.visible_programmes(access))

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            self.access.is_platform_admin or self.access.department_ids
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(
            request, "vouchers/programme_form.html", {"form": self.form(), "title": _("设立创新券计划")}
        )

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            authority = data.pop("authority")
            try:
                programme = programmes.open_programme(
                    self.access,
                    authority=authority,
                    region=authority.region,
                    bands=form.band_rows(),
                    **{k: v for k, v in data.items() if k != "bands"},
                )
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                return self.done(_("已设立创新券计划。"), "vouchers:programme", programme.pk)
        return render(
            request, "vouchers/programme_form.html", {"form": form, "title": _("设立创新券计划")}, status=400
        )


class ProgrammeView(VoucherView):
    def get(self, request, pk):
        programme = get_object_or_404(
            programmes.visible_programmes(self.access).prefetch_related("bands"), pk=pk
        )
        context = {"programme": programme, "is_authority": programmes.is_authority(self.access, programme)}
        if context["is_authority"]:
            context.update(presenters.dashboard(programme))
        return render(request, "vouchers/programme.html", context)


class ProgrammeExportView(VoucherView):
    def get(self, request, pk):
        programme = get_object_or_404(programmes.visible_programmes(self.access), pk=pk)
        if not programmes.is_authority(self.access, programme):
            raise PermissionDenied
        return reports.export_xlsx(programme)


class ApplyView(VoucherView):
    def setup_form(self, pk, data=None):
        self.programme = get_object_or_404(programmes.visible_programmes(self.access), pk=pk)
        companies = Organization.objects.filter(pk__in=quotas.company_ids(self.access))
        if not companies.exists():
            raise PermissionDenied
        return ApplicationForm(data, companies=companies)

    def get(self, request, pk):
        form = self.setup_form(pk)
        return render(
            request,
            "vouchers/apply.html",
            {"form": form, "programme": self.programme, "title": _("申请创新券额度")},
        )

    def post(self, request, pk):
        form = self.setup_form(pk, request.POST)
        if form.is_valid():
            try:
                quotas.apply(self.access, actor=request.user, programme=self.programme, **form.cleaned_data)
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                return self.done(_("已提交额度申请，请等待主管机关审核。"), "vouchers:home")
        return render(
            request,
            "vouchers/apply.html",
            {"form": form, "programme": self.programme, "title": _("申请创新券额度")},
            status=400,
        )


class ApplicationDecideView(VoucherView):
    def post(self, request, pk):
        application = get_object_or_404(quotas.visible_applications(self.access), pk=pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(_("请选择审核结果。")), "vouchers:home")
        try:
            quotas.decide(
                self.access,
                application,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                amount=form.cleaned_data["amount"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            return self.refused(error, "vouchers:home")
        return self.done(_("已审核额度申请。"), "vouchers:home")


class ClawbackView(VoucherView):
    def post(self, request, pk):
        account = get_object_or_404(quotas.visible_accounts(self.access), pk=pk)
        form = AmountReasonForm(request.POST)
        form.is_valid()
        try:
            quotas.claw_back(self.access, account, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(error, "vouchers:programme", account.programme_id)
        return self.done(_("已收回额度。"), "vouchers:programme", account.programme_id)


class ProviderRegisterView(VoucherView):
    def setup_form(self, pk, data=None, files=None):
        self.programme = get_object_or_404(programmes.visible_programmes(self.access), pk=pk)
        units = Organization.objects.filter(pk__in=providers.registrar_unit_ids(self.access))
        if not units.exists():
            raise PermissionDenied
        return ProviderForm(data, files, units=units)

    def context(self, form) -> dict:
        return {
            "form": form,
            "programme": self.programme,
            "title": _("登记为创新券服务机构"),
            "multipart": True,
        }

    def get(self, request, pk):
        return render(request, "vouchers/provider_form.html", self.context(self.setup_form(pk)))

    def post(self, request, pk):
        form = self.setup_form(pk, request.POST, request.FILES)
        if form.is_valid():
            try:
                providers.register(
                    self.access, actor=request.user, programme=self.programme, **form.cleaned_data
                )
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                return self.done(_("已提交服务机构登记，请等待主管机关审核。"), "vouchers:home")
        return render(
            request,
            "vouchers/provider_form.html",
            self.context(form),
            status=400,
        )


class ProviderDecideView(VoucherView):
    def post(self, request, pk):
        registration = get_object_or_404(providers.visible_providers(self.access), pk=pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(_("请选择审核结果。")), "vouchers:home")
        try:
            providers.decide(
                self.access,
                registration,
                actor=request.user,
                action=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            return self.refused(error, "vouchers:home")
        return self.done(_("已审核服务机构。"), "vouchers:home")


class ProviderLicenceView(VoucherView):
    def get(self, request, pk):
        registration = get_object_or_404(providers.visible_providers(self.access), pk=pk)
        return private_file_response(
            registration.licence, content_type=registration.licence_type, filename=registration.licence_name
        )


class PayView(VoucherView):
    """The company pays part of a service with vouchers, from the service page's voucher panel."""

    def post(self, request, pk):
        record = get_object_or_404(
            ServiceRecord.objects.filter(user_organization_id__in=quotas.company_ids(self.access)), pk=pk
        )
        form = PayForm(request.POST)
        back = record.get_absolute_url() or reverse("vouchers:home")
        if not form.is_valid():
            messages.error(request, _("请填写抵扣金额。"))
            return redirect(back)
        account = (
            payments.payable_accounts(self.access, record).filter(pk=form.cleaned_data["account"]).first()
        )
        if account is None:
            raise Http404
        try:
            payments.apply(
                self.access, record, actor=request.user, account=account, amount=form.cleaned_data["amount"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已使用创新券抵扣。"))
        return redirect(back)


class RefundView(VoucherView):
    def post(self, request, pk):
        payment = get_object_or_404(payments.visible_payments(self.access), pk=pk)
        form = AmountReasonForm(request.POST)
        form.is_valid()
        try:
            payments.refund(
                self.access, payment, actor=request.user, comment=form.cleaned_data.get("reason", "")
            )
        except ValidationError as error:
            return self.refused(error, "vouchers:home")
        return self.done(_("已退回抵扣。"), "vouchers:home")


class ClaimCreateView(VoucherView):
    def payment(self, pk):
        units = providers.registrar_unit_ids(self.access)
        payment = get_object_or_404(
            payments.visible_payments(self.access).select_related("record", "charge", "account__company"),
            pk=pk,
        )
        if payment.provider.unit_id not in units:
            raise PermissionDenied
        return payment

    def get(self, request, pk):
        return render(
            request,
            "vouchers/claim_form.html",
            {"form": ClaimForm(), "payment": self.payment(pk), "title": _("申请兑付"), "multipart": True},
        )

    def post(self, request, pk):
        payment = self.payment(pk)
        form = ClaimForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                claims.submit(self.access, payment, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                return self.done(_("已提交兑付申请。"), "vouchers:home")
        return render(
            request,
            "vouchers/claim_form.html",
            {"form": form, "payment": payment, "title": _("申请兑付"), "multipart": True},
            status=400,
        )


class ClaimDecideView(VoucherView):
    def post(self, request, pk):
        claim = get_object_or_404(claims.visible_claims(self.access), pk=pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(_("请选择审核结果。")), "vouchers:batch", claim.batch_id)
        try:
            claims.decide(
                self.access,
                claim,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            return self.refused(error, "vouchers:batch", claim.batch_id)
        return self.done(_("已审核兑付申请。"), "vouchers:batch", claim.batch_id)


class ClaimFileView(VoucherView):
    def get(self, request, pk, which):
        claim = get_object_or_404(claims.visible_claims(self.access), pk=pk)
        if which not in ("contract", "invoice"):
            raise Http404
        return private_file_response(
            getattr(claim, which),
            content_type=getattr(claim, f"{which}_type"),
            filename=getattr(claim, f"{which}_name"),
        )


class BatchView(VoucherView):
    def get(self, request, pk):
        batch = get_object_or_404(claims.visible_batches(self.access).select_related("programme"), pk=pk)
        return render(request, "vouchers/batch.html", presenters.batch_page(batch))

    def post(self, request, pk):
        batch = get_object_or_404(claims.visible_batches(self.access), pk=pk)
        form = BatchStepForm(request.POST)
        if not form.is_valid():
            return self.refused(ValidationError(_("未知操作。")), "vouchers:batch", pk)
        try:
            if form.cleaned_data["step"] == "review":
                claims.close_review(self.access, batch, actor=request.user)
            else:
                claims.mark_paid(
                    self.access, batch, actor=request.user, reference=form.cleaned_data["reference"]
                )
        except ValidationError as error:
            return self.refused(error, "vouchers:batch", pk)
        return self.done(_("已更新兑付批次。"), "vouchers:batch", pk)
