"""Monitoring pages: the live board, one instrument's timeline, the reconciliation items with explain and review."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for

from . import presenters, reconciliation, services
from .forms import ExplainForm, ReviewForm
from .models import ReconciliationItem


def _watching(request):
    access = access_for(request.user)
    if not services.can_watch(access):
        raise PermissionDenied(_("只有单位人员、主管部门和平台管理员可以查看远程监测。"))
    return access


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


class BoardView(LoginRequiredMixin, View):
    """Online, running, idle and offline counts and the list; htmx refreshes the list every 15 seconds."""

    def get(self, request):
        access = _watching(request)
        unit, department = _int(request.GET.get("unit")), _int(request.GET.get("department"))
        page = presenters.board(
            access, unit_id=unit, department_id=department, status=request.GET.get("status", "")
        )
        context = {**page, "unit": unit, "department": department, "status": request.GET.get("status", "")}
        template = "monitoring/_board_rows.html" if request.htmx else "monitoring/board.html"
        return render(request, template, context)


class TimelineView(LoginRequiredMixin, View):
    def get(self, request, pk):
        access = _watching(request)
        instrument = get_object_or_404(services.monitored_instruments(access).select_related("unit"), pk=pk)
        today = timezone.localdate()
        days = min(max(_int(request.GET.get("days")) or 7, 1), 31)
        chart = presenters.timeline(instrument, today - dt.timedelta(days=days - 1), today)
        chart["state_labels"] = {key: str(label) for key, label in chart["state_labels"].items()}
        return render(
            request,
            "monitoring/timeline.html",
            {"instrument": instrument, "chart": chart, "days": days, "hours": chart["hours"]},
        )


class ItemListView(LoginRequiredMixin, View):
    def get(self, request):
        access = _watching(request)
        rows = reconciliation.visible_items(access)
        kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
        if kind in ReconciliationItem.Kind.values:
            rows = rows.filter(kind=kind)
        if status in ReconciliationItem.Status.values:
            rows = rows.filter(status=status)
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "monitoring/item_list.html",
            {
                "page": page,
                "kind": kind,
                "status": status,
                "kinds": ReconciliationItem.Kind.choices,
                "statuses": ReconciliationItem.Status.choices,
            },
        )


class ItemDetailView(LoginRequiredMixin, View):
    def _item(self, request, pk):
        access = access_for(request.user)
        item = reconciliation.visible_items(access).filter(pk=pk).first()
        if item is None:
            raise Http404
        return access, item

    def _page(self, request, access, item, explain_form=None, review_form=None, status=200):
        context = {
            "item": item,
            "history": reconciliation.ITEMS.history(item),
            "explain_form": explain_form or ExplainForm()
            if reconciliation.can_explain(access, item)
            else None,
            "review_form": review_form or ReviewForm() if reconciliation.can_review(access, item) else None,
        }
        return render(request, "monitoring/item_detail.html", context, status=status)

    def get(self, request, pk):
        access, item = self._item(request, pk)
        return self._page(request, access, item)

    def post(self, request, pk):
        access, item = self._item(request, pk)
        step = request.POST.get("step")
        form = ExplainForm(request.POST) if step == "explain" else ReviewForm(request.POST)
        if step == "explain" and not reconciliation.can_explain(access, item):
            raise PermissionDenied(_("您无权说明该核对事项。"))
        if step != "explain" and not services.reviews(access, item.unit):
            raise PermissionDenied(_("您无权审核该核对事项。"))
        if form.is_valid():
            try:
                if step == "explain":
                    reconciliation.explain(access, item, actor=request.user, **form.cleaned_data)
                else:
                    reconciliation.review(access, item, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("monitoring:item_detail", pk=item.pk)
        bound = {"explain_form": form} if step == "explain" else {"review_form": form}
        return self._page(request, access, item, status=400, **bound)
