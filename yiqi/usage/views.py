"""Usage pages: the unit dashboard, the record list with CSV export, and manual records."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from yiqi.accounts.access import access_for

from . import presenters, services, totals
from .exports import export_csv, log_export
from .filters import UsageRecordFilter
from .forms import DashboardForm, ManualUsageForm
from .models import UsageRecord


class DashboardView(LoginRequiredMixin, TemplateView):
    """A unit's (or a department's, or the province's) machine-hours, external service and sharing rate."""

    template_name = "usage/dashboard.html"

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        options = presenters.dashboard_options(access)
        form = DashboardForm(
            options["initial"] | self.request.GET.dict(),
            units=options["units"],
            years=options["years"],
            groups=options["groups"],
            pick_unit=options["pick_unit"],
        )
        page = presenters.dashboard(access, options, form.cleaned_data if form.is_valid() else {})
        if "group_by" in page:
            page["group_label"] = dict(DashboardForm.GROUPS)[page["group_by"]]
        return super().get_context_data(form=form, **page, **kwargs)


def _filtered(request) -> UsageRecordFilter:
    access = access_for(request.user)
    queryset = services.visible_usage(access).select_related("instrument", "unit", "user_organization")
    return UsageRecordFilter(request.GET, queryset=queryset, units=totals.units_for(access))


class RecordListView(LoginRequiredMixin, ListView):
    template_name = "usage/record_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = _filtered(self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, can_record=services.can_record(access_for(self.request.user)), **kwargs
        )

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


class RecordExportView(LoginRequiredMixin, View):
    def get(self, request):
        filtered = _filtered(request)
        log_export(request.user, filtered)
        response = StreamingHttpResponse(export_csv(filtered.qs), content_type="text/csv; charset=utf-8")
        filename = _("使用记录-%(day)s.csv") % {"day": f"{timezone.localdate():%Y%m%d}"}
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response


def _visible_record(request, pk) -> UsageRecord:
    queryset = services.visible_usage(access_for(request.user)).select_related(
        "instrument", "unit", "user_organization", "recorded_by"
    )
    return get_object_or_404(queryset, pk=pk)


class RecordDetailView(LoginRequiredMixin, DetailView):
    template_name = "usage/record_detail.html"
    context_object_name = "record"

    def get_object(self, queryset=None):
        return _visible_record(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        page = presenters.record_page(access_for(self.request.user), self.object)
        return super().get_context_data(**page, **kwargs)


class ManualRecordFormView(LoginRequiredMixin, View):
    """Create (no pk) or correct (pk) a manual record."""

    template_name = "usage/record_form.html"

    def setup_form(self, request, pk, data=None, files=None):
        access = access_for(request.user)
        instruments = services.servable_instruments(access)
        record = None
        if pk is not None:
            record = _visible_record(request, pk)
            if not services.can_change(access, record):
                raise PermissionDenied(
                    _("该记录当前不可由您修改（线下登记的记录只能由本单位人员在登记当月修改）。")
                )
        elif not services.can_record(access):
            raise PermissionDenied(_("您没有可登记使用记录的仪器。"))
        return record, ManualUsageForm(data, files, instruments=instruments, record=record)

    def get(self, request, pk=None):
        record, form = self.setup_form(request, pk)
        return render(request, self.template_name, {"form": form, "record": record})

    def post(self, request, pk=None):
        record, form = self.setup_form(request, pk, request.POST, request.FILES)
        if form.is_valid():
            try:
                if record is None:
                    record = services.record_manual_usage(actor=request.user, **form.service_values())
                else:
                    record = services.update_manual_usage(record, actor=request.user, **form.service_values())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("使用记录已保存。"))
                return redirect("usage:record_detail", record.pk)
        return render(request, self.template_name, {"form": form, "record": record}, status=400)


class RecordDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        record = _visible_record(request, pk)
        try:
            services.delete_manual_usage(record, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("usage:record_detail", pk)
        messages.success(request, _("使用记录已删除。"))
        return redirect("usage:record_list")


class EvidenceView(LoginRequiredMixin, View):
    def get(self, request, pk):
        evidence = services.open_evidence(_visible_record(request, pk), actor=request.user)
        if evidence is None:
            raise Http404
        return FileResponse(evidence.open("rb"), as_attachment=True, filename=PurePath(evidence.name).name)


class OverdueCheckoutsView(LoginRequiredMixin, View):
    """Self-operation still checked in after its end, and what the system ended: the unit's service staff check
    the hours (the platform authority sees every unit)."""

    def get(self, request):
        access = access_for(request.user)
        if not (access.staff_unit_ids or access.is_platform_admin):
            raise PermissionDenied(_("逾期未签退列表仅对单位人员开放。"))
        return render(request, "usage/overdue_checkouts.html", presenters.overdue_checkouts(access))
