"""Demand pages: the demand database and one's own needs, posting, a need with its matches and answers, and the
unmet needs by class and city. Views only call ``services``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.fees.views import add_errors
from yiqi.orders.forms import OrderForm, add_service_errors

from . import services
from .forms import NeedForm, ResponseForm
from .models import NeedStatus

PAGE_SIZE = 20


class DemandView(LoginRequiredMixin, View):
    @property
    def access(self):
        return access_for(self.request.user)

    def need(self, pk):
        return get_object_or_404(services.visible_needs(self.access), pk=pk)


class ListView(DemandView):
    """Everyone's own needs; units, departments and the authority also the open needs of the province."""

    def get(self, request):
        access = self.access
        needs = services.visible_needs(access)
        ordered = request.GET.get("ordered") == "1" and bool(access.staff_unit_ids)
        mine = not ordered and (request.GET.get("mine") == "1" or not services.sees_demand_database(access))
        if ordered:
            needs = services.unit_orders_from_needs(access)
        elif mine:
            needs = needs.filter(poster_id=access.user_id)
        page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "demands/list.html",
            {
                "page_obj": page,
                "mine": mine,
                "ordered": ordered,
                "serving": bool(access.staff_unit_ids),
                "database": services.sees_demand_database(access),
            },
        )


class CreateView(DemandView):
    def get(self, request):
        return render(request, "demands/form.html", {"form": NeedForm()})

    def post(self, request):
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                need = services.post_need(self.access, values=form.cleaned_data, actor=request.user)
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("需求已发布，平台已通知匹配的单位。"))
                return redirect("demands:detail", need.pk)
        return render(request, "demands/form.html", {"form": form})


class DetailView(DemandView):
    def get(self, request, pk):
        access, need = self.access, self.need(pk)
        poster = services.is_poster(access, need)
        answerable = list(services.answerable_matches(access, need)) if need.status == NeedStatus.OPEN else []
        return render(
            request,
            "demands/detail.html",
            {
                "need": need,
                "matches": need.matches.select_related("instrument", "unit"),
                "answerable": [(m, ResponseForm(initial={"match": m.pk})) for m in answerable],
                "can_end": need.status == NeedStatus.OPEN and (poster or access.is_platform_admin),
                "services": services.meeting_services(access, need)
                if poster and need.status == NeedStatus.OPEN
                else [],
                "history": services.machine.history(need) if poster or access.is_platform_admin else [],
                "order": services.need_order(access, need),
                "orderable": services.orderable_matches(access, need),
            },
        )


class ActView(DemandView):
    """Answer a match (``respond``), or end the need: ``meet`` with a service record, ``close`` with a reason."""

    def post(self, request, pk):
        access, need, user = self.access, self.need(pk), request.user
        try:
            services.act(access, need, request.POST.get("action", ""), request.POST.dict(), actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("操作成功。"))
        return redirect("demands:detail", pk)


class OrderView(DemandView):
    """The order form, prefilled from the need, for one of its matched instruments; placing it links it to the need."""

    def setup_order(self, pk, match):
        access, need = self.access, self.need(pk)
        if not services.is_poster(access, need):
            raise PermissionDenied
        return need, get_object_or_404(need.matches.select_related("instrument__unit"), pk=match)

    def page(self, need, match, form):
        context = {"form": form, "instrument": match.instrument, "need": need, "match": match}
        return render(self.request, "demands/order_form.html", context)

    def get(self, request, pk, match):
        need, match = self.setup_order(pk, match)
        refusal = services.order_refusal(self.access, need, match)
        if refusal:
            messages.error(request, refusal)
            return redirect("demands:detail", need.pk)
        initial = services.order_defaults(need, match)
        return self.page(
            need, match, OrderForm(initial=initial, instrument=match.instrument, user=request.user)
        )

    def post(self, request, pk, match):
        need, match = self.setup_order(pk, match)
        form = OrderForm(request.POST, instrument=match.instrument, user=request.user)
        if form.is_valid():
            values = {**form.cleaned_data, "answers": form.answers()}
            try:
                order = services.place_order(
                    self.access, need, match=match, values=values, actor=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("委托单 %(number)s 已提交，请等待报价。") % {"number": order.number}
                )
                return redirect("orders:detail", order.pk)
        return self.page(need, match, form)


class UnmetView(DemandView):
    def get(self, request):
        access = self.access
        if not services.sees_demand_database(access):
            raise PermissionDenied
        return render(request, "demands/unmet.html", {"rows": services.unmet_by_class_and_region(access)})
