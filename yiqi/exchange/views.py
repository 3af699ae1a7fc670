"""Reporting pages: the unit's to-do list and record states, the authority's outbox log, one record, one job; and
the built-in fake national endpoint (WSDL and SOAP)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from yiqi.accounts.access import access_for

from . import presenters
from .services import endpoint, outbox, receiving

PAGE = 50


def _reporter(request):
    """The user's access, refused (403) unless they work in a unit or are the authority."""
    access = access_for(request.user)
    if not outbox.sees_reporting(access):
        raise PermissionDenied(_("只有单位人员和平台主管机关可以查看上报情况。"))
    return access


def _unit_choice(request, access) -> int | None:
    """The unit a POST acts for: the user's own unit, or for the authority the one named (none = the province)."""
    value = request.POST.get("unit") or ""
    if value.isdigit():
        return int(value)
    if outbox.is_authority(access):
        return None
    units = sorted(access.unit_admin_unit_ids)
    if not units:
        raise PermissionDenied(_("只有单位管理员或平台主管机关可以上报。"))
    return units[0]


class RecordListView(LoginRequiredMixin, View):
    """The unit's reporting: what to correct (field and reason), what the platform returned, every record's state."""

    def get(self, request):
        access = _reporter(request)
        page = presenters.record_page(access, request.GET)
        paginator = Paginator(page.pop("rows"), PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        return render(request, "exchange/record_list.html", {**page, "page_obj": page_obj})


class RecordDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        access = _reporter(request)
        record = get_object_or_404(outbox.visible_records(access).select_related("unit", "job"), pk=pk)
        return render(request, "exchange/record_detail.html", presenters.record_detail(access, record))


class ResubmitView(LoginRequiredMixin, View):
    def post(self, request, pk):
        access = _reporter(request)
        record = get_object_or_404(outbox.visible_records(access), pk=pk)
        try:
            outbox.resubmit(access, record, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("记录已重新排队，将在下一批次上报。"))
        return redirect("exchange:record_detail", pk)


class ConfirmView(LoginRequiredMixin, View):
    def post(self, request):
        access = _reporter(request)
        unit_id = _unit_choice(request, access)
        if not outbox.can_report(access, unit_id):
            raise PermissionDenied(_("只有单位管理员可以确认上报记录。"))
        rows = outbox.visible_records(access)
        if unit_id:
            rows = rows.filter(unit_id=unit_id)
        count = outbox.confirm(access, rows, actor=request.user)
        messages.success(request, _("已确认 %(n)s 条记录。") % {"n": count})
        return redirect("exchange:record_list")


class RebuildView(LoginRequiredMixin, View):
    def post(self, request):
        access = _reporter(request)
        unit_id = _unit_choice(request, access)
        if not outbox.can_report(access, unit_id):
            raise PermissionDenied(_("只有单位管理员或平台主管机关可以上报。"))
        counts = outbox.rebuild([unit_id] if unit_id else None, actor=request.user)
        messages.success(
            request,
            _("已生成上报记录：新增 %(created)s 条，更新 %(changed)s 条，%(with_problems)s 条需改正。")
            % counts,
        )
        return redirect("exchange:record_list")


class JobListView(LoginRequiredMixin, View):
    """The outbox log: every reporting job, its counts and transport errors."""

    def get(self, request):
        access = _reporter(request)
        paginator = Paginator(presenters.jobs(access), PAGE)
        return render(
            request,
            "exchange/job_list.html",
            {
                "page_obj": paginator.get_page(request.GET.get("page")),
                "can_send": outbox.can_report(access, None) or bool(access.unit_admin_unit_ids),
                "endpoint": settings.YIQI_EXCHANGE_WSDL,
            },
        )


class JobStartView(LoginRequiredMixin, View):
    def post(self, request):
        access = _reporter(request)
        unit_id = _unit_choice(request, access)
        try:
            job = outbox.start_job(access, unit_id=unit_id, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("exchange:job_list")
        messages.success(request, _("上报批次已开始，共 %(n)s 条记录。") % {"n": job.total})
        return redirect("exchange:job_detail", job.pk)


class JobDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        access = _reporter(request)
        job = get_object_or_404(outbox.visible_jobs(access).select_related("unit", "created_by"), pk=pk)
        page = presenters.job_detail(job)
        paginator = Paginator(page.pop("rows"), PAGE)
        return render(
            request,
            "exchange/job_detail.html",
            {**page, "page_obj": paginator.get_page(request.GET.get("page"))},
        )


@method_decorator(csrf_exempt, name="dispatch")
class FakeNationalEndpointView(View):
    """The national platform's SOAP service as a stand-in: GET serves the WSDL, POST answers a call."""

    fake = True
    url_name = "exchange:fake_endpoint"

    def enabled(self) -> bool:
        return settings.YIQI_EXCHANGE_FAKE_ENDPOINT

    def dispatch(self, request, *args, **kwargs):
        if not self.enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        address = request.build_absolute_uri(reverse(self.url_name))
        wsdl = render_to_string("exchange/national.wsdl", {"address": address})
        return HttpResponse(wsdl, content_type="text/xml; charset=utf-8")

    def post(self, request):
        call = endpoint.parse(request.body)
        try:
            code, message = endpoint.answer(call, fake=self.fake)
        except endpoint.Unavailable:
            return HttpResponse(status=503)
        body = endpoint.envelope(call.operation if call else "instruInfo", code, message)
        return HttpResponse(body, content_type="text/xml; charset=utf-8")


class ReceivingEndpointView(FakeNationalEndpointView):
    """A province's (or city's) platform receiving from the platforms below it: the national interface, for real."""

    fake = False
    url_name = "exchange:receive"

    def enabled(self) -> bool:
        return receiving.receives_from_below()
