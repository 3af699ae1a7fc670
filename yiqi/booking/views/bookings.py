"""One booking's page and the buttons on it; the user's own bookings and waitlist; the unit's service queue."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView, View

from yiqi.accounts.access import access_for
from yiqi.registry.scoping import serves_instruments
from yiqi.servicerecords.presenters import panels_for

from .. import ical, services
from ..forms import BookingActionForm
from ..models import WaitlistEntry
from .common import paginate


def visible(request):
    return services.visible_bookings(access_for(request.user)).select_related(
        "instrument", "instrument__unit", "user", "user_organization"
    )


class BookingDetailView(LoginRequiredMixin, DetailView):
    template_name = "booking/booking_detail.html"
    context_object_name = "booking"

    def get_queryset(self):
        return visible(self.request).select_related("record")

    def get_context_data(self, **kwargs):
        booking = self.object
        return super().get_context_data(
            actions=services.available_actions(booking, access_for(self.request.user)),
            history=services.BOOKING_MACHINE.history(booking),
            panels=panels_for(booking.record, self.request.user),
            **kwargs,
        )


def _approve(booking, user, data):
    return services.approve(booking, actor=user, comment=data["comment"])


def _reject(booking, user, data):
    return services.reject(booking, actor=user, comment=data["comment"])


def _cancel(booking, user, data):
    return services.cancel(booking, actor=user, reason=data["comment"])


def _check_in(booking, user, data):
    return services.check_in(booking, actor=user)


def _complete(booking, user, data):
    return services.complete(
        booking, actor=user, actual_start=data["actual_start"], actual_end=data["actual_end"]
    )


def _no_show(booking, user, data):
    return services.mark_no_show(booking, actor=user)


ACTIONS = {
    "approve": _approve,
    "reject": _reject,
    "cancel": _cancel,
    "check_in": _check_in,
    "complete": _complete,
    "no_show": _no_show,
}


class BookingActionView(LoginRequiredMixin, View):
    """Runs one of ``services.available_actions``; the service decides whether this user may."""

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404
        booking = get_object_or_404(visible(request), pk=pk)
        form = BookingActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            try:
                booking = ACTIONS[action](booking, request.user, form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("操作成功，预约状态：%(status)s。") % {"status": booking.get_status_display()}
                )
        if request.POST.get("next") == "queue":
            return redirect("booking:queue")
        return redirect("booking:detail", pk)


class MyBookingsView(LoginRequiredMixin, TemplateView):
    template_name = "booking/mine.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        upcoming, past = services.upcoming_and_past(visible(self.request).filter(user=user), timezone.now())
        feed = ical.feed_of(user)  # made on the user's explicit POST (FeedResetView), never by looking
        return super().get_context_data(
            upcoming=paginate(self.request, upcoming, "upcoming_page"),
            past=paginate(self.request, past, "past_page"),
            waitlist=WaitlistEntry.objects.filter(
                user=user, status__in=(WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)
            ).select_related("instrument"),
            feed_url=(
                self.request.build_absolute_uri(reverse("booking:user_feed", args=[feed.token]))
                if feed
                else None
            ),
            **kwargs,
        )


class WaitlistAnswerView(LoginRequiredMixin, View):
    """Accept or decline a waitlist offer (only the entry's own user gets here: others get 404)."""

    def post(self, request, pk, answer):
        entry = get_object_or_404(
            WaitlistEntry.objects.select_related("instrument"), pk=pk, user=request.user
        )
        try:
            if answer == "accept":
                booking = services.accept_offer(entry, user=request.user)
            else:
                services.decline_offer(entry, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("booking:mine")
        if answer == "accept":
            messages.success(request, _("已预约候补时段。"))
            return redirect("booking:detail", booking.pk)
        messages.success(request, _("已放弃候补。"))
        return redirect("booking:mine")


class FeedResetView(LoginRequiredMixin, View):
    """Make the user's calendar address on request, or a new one in place of a leaked one."""

    def post(self, request):
        had_feed = ical.feed_of(request.user) is not None
        ical.reset_feed(request.user)
        if had_feed:
            messages.success(request, _("已生成新的订阅地址，原地址已失效。"))
        else:
            messages.success(request, _("已生成订阅地址。"))
        return redirect(f"{reverse('booking:mine')}#calendar-feed")


def with_actions(section, access):
    """Each booking on the page learns what the user may do with it (for the inline buttons)."""
    section.page.object_list = list(section.page.object_list)
    for booking in section.page.object_list:
        booking.actions = services.available_actions(booking, access)
    return section


class QueueView(LoginRequiredMixin, TemplateView):
    """The unit's service desk: requests to approve, today's arrivals, instruments in use, recent completions."""

    template_name = "booking/queue.html"

    def get_context_data(self, **kwargs):
        access = access_for(self.request.user)
        if not serves_instruments(access):
            raise PermissionDenied(
                _("预约处理仅对仪器的服务人员（单位管理员、机组负责人、实验技术人员）开放。")
            )
        instruments = services.servable_instruments(access)
        chosen = self.request.GET.get("instrument", "")
        ids = [i.pk for i in instruments if str(i.pk) == chosen] or [i.pk for i in instruments]
        queue = services.service_queue(visible(self.request).filter(instrument_id__in=ids), timezone.now())
        return super().get_context_data(
            instruments=instruments,
            chosen=chosen,
            pending=with_actions(paginate(self.request, queue["pending"], "pending_page"), access),
            arriving=with_actions(paginate(self.request, queue["arriving"], "arriving_page"), access),
            in_use=paginate(self.request, queue["in_use"], "in_use_page"),
            completed=paginate(self.request, queue["completed"], "completed_page"),
            **kwargs,
        )
