"""Fee pages. Thin: who sees what comes from ``services``/``statements`` scoping, every rule from ``services``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, View

from yiqi.accounts.access import access_for
from yiqi.core.exports import XLSX_CONTENT_TYPE
from yiqi.core.forms import add_errors
from yiqi.registry import scoping
from yiqi.servicerecords import kinds

from . import services, statements
from .filters import ChargeFilter
from .forms import AdjustmentForm, DecisionForm, FeeItemForm, PaymentForm
from .models import Charge, ChargeAdjustment, FeeItem

# --- fee schedule -------------------------------------------------------------------------------------------


class ScheduleMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access = access_for(request.user)
        self.instrument = get_object_or_404(scoping.visible_instruments(access), pk=kwargs["pk"])
        if not scoping.can_manage_service(access, self.instrument):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def item(self) -> FeeItem:
        return get_object_or_404(FeeItem, instrument=self.instrument, pk=self.kwargs["item_pk"])

    def save(self, form, template: str, **context):
        if form.is_valid():
            try:
                item = services.save_fee_item(form.instance, actor=self.request.user)
            except ValidationError as error:
                add_errors(self.request, form, error)
            else:
                messages.success(self.request, _("已保存收费项目“%(name)s”。") % {"name": item.name})
                return redirect("fees:schedule", self.instrument.pk)
        return self.page(template, form, status=400, **context)

    def page(self, template: str, form, status: int = 200, **context):
        return render(
            self.request, template, {"instrument": self.instrument, "form": form, **context}, status=status
        )


class ScheduleView(ScheduleMixin, View):
    """The instrument's fee schedule, with a form to add a line."""

    template = "fees/schedule.html"

    def context(self):
        return {
            "items": self.instrument.fee_items.all(),
            "history": services.schedule_history(self.instrument),
        }

    def get(self, request, pk):
        return self.page(self.template, FeeItemForm(), **self.context())

    def post(self, request, pk):
        form = FeeItemForm(request.POST, instance=FeeItem(instrument=self.instrument))
        return self.save(form, self.template, **self.context())


class FeeItemEditView(ScheduleMixin, View):
    template = "fees/fee_item_form.html"

    def get(self, request, pk, item_pk):
        return self.page(self.template, FeeItemForm(instance=self.item()))

    def post(self, request, pk, item_pk):
        return self.save(FeeItemForm(request.POST, instance=self.item()), self.template)


class FeeItemActiveView(ScheduleMixin, View):
    """Withdraw a line from the published schedule, or put it back."""

    def post(self, request, pk, item_pk):
        item = self.item()
        active = request.POST.get("active") == "1"
        try:
            services.set_fee_item_active(item, active=active, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = _("已恢复“%(name)s”。") if active else _("已停用“%(name)s”。")
            messages.success(request, done % {"name": item.name})
        return redirect("fees:schedule", pk)


# --- one charge ---------------------------------------------------------------------------------------------


class ChargeMixin(LoginRequiredMixin):
    def charge(self) -> Charge:
        visible = services.visible_charges(access_for(self.request.user))
        related = (
            "instrument",
            "unit",
            "payer",
            "payer_organization",
            "record",
            *kinds.detail_relations("record__"),
        )
        return get_object_or_404(visible.select_related(*related), pk=self.kwargs["pk"])

    def detail(self, charge: Charge, status: int = 200, **forms):
        return render(
            self.request,
            "fees/charge_detail.html",
            {
                **services.charge_page(charge, access_for(self.request.user)),
                "adjustment_form": forms.get("adjustment_form") or AdjustmentForm(),
                "payment_form": forms.get("payment_form") or PaymentForm(),
            },
            status=status,
        )


class ChargeDetailView(ChargeMixin, View):
    def get(self, request, pk):
        return self.detail(self.charge())


class ChargeAdjustView(ChargeMixin, View):
    def post(self, request, pk):
        charge = self.charge()
        form = AdjustmentForm(request.POST)
        if form.is_valid():
            try:
                services.request_adjustment(charge, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(self.request, form, error)
            else:
                messages.success(request, _("已提交费用调整申请，待单位管理员审批。"))
                return redirect("fees:charge_detail", pk)
        return self.detail(charge, status=400, adjustment_form=form)


class AdjustmentDecideView(ChargeMixin, View):
    def post(self, request, pk, adjustment_pk):
        charge = self.charge()
        adjustment = get_object_or_404(ChargeAdjustment, charge=charge, pk=adjustment_pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return self.detail(charge, status=400)
        try:
            services.decide_adjustment(
                adjustment,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.detail(charge, status=400)
        messages.success(request, _("已处理费用调整。"))
        return redirect("fees:charge_detail", pk)


class PaymentView(ChargeMixin, View):
    def post(self, request, pk):
        charge = self.charge()
        form = PaymentForm(request.POST)
        if form.is_valid():
            try:
                services.record_payment(charge, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(self.request, form, error)
            else:
                messages.success(request, _("已登记缴费。"))
                return redirect("fees:charge_detail", pk)
        return self.detail(charge, status=400, payment_form=form)


# --- lists --------------------------------------------------------------------------------------------------


class ChargeListView(LoginRequiredMixin, ListView):
    template_name = "fees/charge_list.html"
    paginate_by = 50
    title = ""

    def scope(self, access):
        raise NotImplementedError

    def get_queryset(self):
        charges = self.scope(access_for(self.request.user)).select_related(
            "instrument", "unit", "payer", "payer_organization", "record"
        )
        self.filterset = ChargeFilter(self.request.GET, queryset=charges, request=self.request)
        return self.filterset.qs

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        listed = self.object_list.exclude(status=Charge.Status.VOID)
        return super().get_context_data(
            filter=self.filterset,
            title=self.title,
            listed_total=statements.sum_of_totals(listed),
            unpaid_total=statements.sum_of_totals(listed.filter(status=Charge.Status.BILLED)),
            **kwargs,
        )


class MyChargesView(ChargeListView):
    """What the user has been quoted and billed, and what is still to pay."""

    title = gettext_lazy("我的费用")

    def scope(self, access):
        return Charge.objects.filter(payer_id=access.user_id)


class UnitChargesView(ChargeListView):
    """The charges of the instruments the user serves."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not statements.lists_unit_charges(access_for(request.user)):
            raise PermissionDenied(
                _("单位收费仅对仪器的服务人员（单位管理员、机组负责人、实验技术人员）开放。")
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        # The platform authority sees every unit's charges, not "its unit's".
        if access_for(self.request.user).is_platform_admin:
            return _("全部单位收费")
        return _("本单位收费")

    def scope(self, access):
        return services.served_charges(access)


# --- monthly statements -------------------------------------------------------------------------------------


class StatementMixin(LoginRequiredMixin):
    choose_unit_first = False
    """?month=YYYY-MM; ?unit=<id> for a unit's issued bills (default: the first unit the user serves; the
    platform authority, who serves none, chooses one); ?view=payable for the bills of the user's own organisation.
    None: a unit is still to be chosen."""

    def statement(self):
        access = access_for(self.request.user)
        self.units = statements.statement_units(access)
        month = statements.parse_month(self.request.GET.get("month"))
        unit_id = self.request.GET.get("unit", "")
        if self.request.GET.get("view") == "payable" or not (unit_id or self.units.exists()):
            return statements.payer_statement(access, month)
        if unit_id and not unit_id.isdecimal():
            raise Http404
        if not unit_id and access.is_platform_admin and self.choose_unit_first:
            return None
        unit = self.units.filter(pk=unit_id).first() if unit_id else self.units.first()
        if unit is None:
            raise Http404
        return statements.unit_statement(access, unit, month)

    def page(self, statement, error: str = ""):
        context = {"statement": statement, "error": error, "units": self.units}
        return render(self.request, "fees/statement.html", context, status=400 if error else 200)


class StatementView(StatementMixin, View):
    choose_unit_first = True  # the page asks the platform authority which unit; an export keeps its address's

    def get(self, request):
        try:
            statement = self.statement()
        except ValidationError as invalid:
            return self.page(None, " ".join(invalid.messages))
        return self.page(statement)


class StatementExportView(StatementMixin, View):
    def get(self, request, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        try:
            statement = self.statement()
        except ValidationError as invalid:
            return self.page(None, " ".join(invalid.messages))
        statements.log_export(statement, fmt, actor=request.user)
        filename = statements.filename(statement, fmt)
        if fmt == "csv":
            response = StreamingHttpResponse(
                statements.export_csv(statement), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        return FileResponse(
            statements.export_xlsx(statement),
            as_attachment=True,
            filename=filename,
            content_type=XLSX_CONTENT_TYPE,
        )
