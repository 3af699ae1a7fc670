"""Thin pages over ``services``: the rules, rights and messages all come from there."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from yiqi.accounts.access import access_for
from yiqi.registry import scoping
from yiqi.servicerecords.models import ServiceRecord

from . import services
from .forms import ComplaintForm, ComplaintStepForm, RatingForm, ReplyForm
from .models import ComplaintAction, ComplaintStatus, Rating


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


class PaginatedListView(LoginRequiredMixin, ListView):
    paginate_by = 50

    def paginate_queryset(self, queryset, page_size):
        # A malformed or absurd page number shows the first/last page instead of a 404.
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


# --- ratings ----------------------------------------------------------------------------------------------------


class RateView(LoginRequiredMixin, View):
    """Rate one completed service record. Only its user gets the page; anyone else a 404."""

    def record(self, request, pk):
        records = ServiceRecord.objects.select_related("instrument__unit")
        return get_object_or_404(records, pk=pk, user=request.user)

    def render_page(self, request, record, form):
        rating = services.rating_of(record)
        context = {
            "record": record,
            "rating": rating,
            "refusal": None if rating else services.rating_refusal(record, request.user),
            "form": form,
        }
        return render(request, "feedback/rate.html", context)

    def get(self, request, pk):
        return self.render_page(request, self.record(request, pk), RatingForm())

    def post(self, request, pk):
        record = self.record(request, pk)
        form = RatingForm(request.POST)
        if not form.is_valid():  # e.g. control characters the form field refuses
            return self.render_page(request, record, form)
        try:
            services.rate(user=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(request, record, form)
        messages.success(request, _("感谢您的评价！"))
        return redirect(request.path)


class RatingListView(PaginatedListView):
    """The user's own ratings and those they may reply to (``?unreplied=1``: the ones still waiting)."""

    template_name = "feedback/rating_list.html"

    def get_queryset(self):
        access = access_for(self.request.user)
        ratings = (
            services.public_ratings(access)
            if access.is_platform_admin
            else services.manageable_ratings(access) | Rating.objects.filter(user=self.request.user)
        )
        if self.request.GET.get("unreplied"):
            ratings = ratings.filter(replied_at__isnull=True)
        return ratings.select_related("user", "instrument__unit", "replied_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        access = access_for(self.request.user)
        context["rows"] = [
            (rating, rating.replied_at is None and scoping.can_manage_service(access, rating.instrument))
            for rating in context["object_list"]
        ]
        context["reply_form"] = ReplyForm()
        return context


class ReplyView(LoginRequiredMixin, View):
    def post(self, request, pk):
        rating = get_object_or_404(services.public_ratings(access_for(request.user)), pk=pk)
        form = ReplyForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([message for errors in form.errors.values() for message in errors])
            services.reply(rating, actor=request.user, text=form.cleaned_data["reply"])
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("回复已发布。"))
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return redirect(next_url)
        return redirect("feedback:rating_list")


# --- complaints -------------------------------------------------------------------------------------------------


class ComplaintListView(PaginatedListView):
    template_name = "feedback/complaint_list.html"

    def get_queryset(self):
        complaints = services.visible_complaints(access_for(self.request.user))
        status = self.request.GET.get("status")
        if status in ComplaintStatus.values:
            complaints = complaints.filter(status=status)
        if self.request.GET.get("todo"):  # the workspace's count: what waits for the unit's side
            to_handle = services.complaints_to_handle(access_for(self.request.user))
            complaints = complaints.filter(pk__in=to_handle.values("pk"))
        if self.request.GET.get("overdue"):
            complaints = complaints.filter(services.overdue_q())
        return complaints

    def get_context_data(self, **kwargs):
        return super().get_context_data(statuses=ComplaintStatus.choices, **kwargs)


def _preset(request) -> dict:
    """Form defaults from the page the user came from (``?instrument=…``, ``?unit=…``, ``?record=…``)."""
    fields = ("unit", "instrument", "record")
    return {name: request.GET[name] for name in fields if request.GET.get(name, "").isdecimal()}


class ComplaintCreateView(LoginRequiredMixin, View):
    def form(self, request, data=None):
        return ComplaintForm(
            data, user=request.user, access=access_for(request.user), initial=_preset(request)
        )

    def get(self, request):
        return self.render_page(request, self.form(request))

    def render_page(self, request, form):
        context = {"form": form, "working_days": services.complaint_working_days()}
        return render(request, "feedback/complaint_form.html", context)

    def post(self, request):
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                complaint = services.file_complaint(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("投诉已提交，编号 %(number)s。单位应在 %(date)s 前办理。")
                    % {"number": complaint.number, "date": complaint.due_on.isoformat()},
                )
                return redirect("feedback:complaint_detail", complaint.pk)
        return self.render_page(request, form)


class ComplaintDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        access = access_for(request.user)
        complaint = get_object_or_404(services.visible_complaints(access), pk=pk)
        steps = [
            (ComplaintAction(action), services.step(action).needs_comment)
            for action in services.available_actions(complaint, access)
        ]
        context = {
            "complaint": complaint,
            "events": services.history(complaint),
            "steps": steps,
            "can_resolve": any(action == ComplaintAction.RESOLVE for action, _needs in steps),
            "form": ComplaintStepForm(),
        }
        return render(request, "feedback/complaint_detail.html", context)


class ComplaintStepView(LoginRequiredMixin, View):
    def post(self, request, pk):
        complaint = get_object_or_404(services.visible_complaints(access_for(request.user)), pk=pk)
        form = ComplaintStepForm(request.POST)
        form.is_valid()
        try:
            complaint = services.transition(
                complaint,
                form.cleaned_data.get("action", ""),
                actor=request.user,
                comment=form.cleaned_data.get("comment", ""),
                upheld=form.cleaned_data.get("upheld"),
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(
                request,
                _("操作成功，投诉当前状态：%(status)s。") % {"status": complaint.get_status_display()},
            )
        return redirect("feedback:complaint_detail", pk)
