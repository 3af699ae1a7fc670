"""Census pages: the censuses, a census's progress by department, a unit's return with its lines and figures,
and the review steps. Views only call ``services``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import AccessMixin
from yiqi.core.forms import add_errors
from yiqi.core.workflow import post_step

from . import results, services
from .forms import FiguresForm, LineForm, OpenForm, ResourceLineForm, ScopeForm, SelectForm
from .models import EDITABLE_RETURN_STATES, Census, CensusLine, CensusResourceLine, CensusReturn

PAGE_SIZE = 50


class CensusPage(AccessMixin, LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.sees_census(self.access):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def census_return(self, pk) -> CensusReturn:
        return get_object_or_404(services.visible_returns(self.access), pk=pk)

    def editable_return(self, pk) -> CensusReturn:
        """The return, for its unit's record keepers only; whether it may still change is the service's to say."""
        census_return = self.census_return(pk)
        if census_return.unit_id not in self.access.editor_unit_ids:
            raise PermissionDenied
        return census_return


class ListView(CensusPage):
    def get(self, request):
        access = self.access
        return render(
            request,
            "census/list.html",
            {
                "censuses": Census.objects.all(),
                "returns": services.visible_returns(access).order_by("-census__year", "unit__name")[
                    :PAGE_SIZE
                ],
                "can_open": access.is_platform_admin,
            },
        )


class OpenView(CensusPage):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.access.is_platform_admin:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "census/open.html", {"form": OpenForm()})

    def post(self, request):
        scope = ScopeForm(request.POST).scope()
        if "list_units" in request.POST:  # list the units the filters select, all ticked, to untick some
            posted = request.POST
            initial = {name: posted.getlist(name) for name in ("departments", "kinds")}
            initial |= {name: posted.get(name, "") for name in ("year", "deadline", "search")}
            initial |= {"units": [str(pk) for pk in scope.values_list("pk", flat=True)], "listed": True}
            form = OpenForm(initial=initial, units=scope)
            return render(request, "census/open.html", {"form": form, "listed": True, "count": len(scope)})
        form = OpenForm(request.POST, units=scope)
        if form.is_valid():
            year, deadline = form.cleaned_data["year"], form.cleaned_data["deadline"]
            try:
                census = services.open_census(
                    access=self.access, actor=request.user, year=year, deadline=deadline,
                    unit_ids=form.unit_ids(scope),
                )  # fmt: skip
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("年度普查已开始，各单位已收到填报通知。"))
                return redirect("census:detail", census.pk)
        listed = form.cleaned_data.get("listed", False)
        return render(request, "census/open.html", {"form": form, "listed": listed, "count": len(scope)})


class CensusView(CensusPage):
    def get(self, request, pk):
        access = self.access
        census = get_object_or_404(Census, pk=pk)
        returns = services.visible_returns(access).filter(census=census)
        if request.GET.get("late"):
            returns = returns.filter(status__in=services.LATE_STATES)
        return render(
            request,
            "census/detail.html",
            {
                "census": census,
                "progress": results.progress(census, access),
                "page_obj": Paginator(returns, PAGE_SIZE).get_page(request.GET.get("page")),
                "is_authority": access.is_platform_admin and census.is_open,
                "can_publish": access.is_platform_admin and services.CENSUS_MACHINE.allows(census, "publish"),
                "can_mark": access.is_platform_admin and census.is_frozen,
                "days_left": services.days_left(census),
                "history": services.CENSUS_MACHINE.history(census),
            },
        )


class AuthorityStep(CensusPage):
    def post(self, request, pk):
        census = get_object_or_404(Census, pk=pk)
        try:
            self.step(census)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("census:detail", pk)


class ChaseView(AuthorityStep):
    def step(self, census):
        count = services.chase(census, access=self.access)
        messages.success(self.request, _("已提醒 %(n)s 个单位。") % {"n": count})


class CloseView(AuthorityStep):
    def step(self, census):
        services.close(
            census, access=self.access, actor=self.request.user, comment=self.request.POST.get("comment")
        )
        messages.success(self.request, _("普查已关闭，数据已冻结。"))


class PublishView(AuthorityStep):
    def step(self, census):
        results.publish(
            census, access=self.access, actor=self.request.user, comment=self.request.POST.get("comment")
        )
        messages.success(self.request, _("普查结果已向社会公布。"))


class ReturnView(CensusPage):
    def get(self, request, pk):
        access = self.access
        census_return = self.census_return(pk)
        lines = census_return.lines.select_related("category")
        return render(
            request,
            "census/return.html",
            {
                "return": census_return,
                "page_obj": Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page")),
                "unconfirmed": lines.filter(confirmed=False).count(),
                "resource_unconfirmed": census_return.resource_lines.filter(confirmed=False).count(),
                "resource_page": Paginator(census_return.resource_lines.all(), PAGE_SIZE).get_page(
                    request.GET.get("rpage")
                ),
                "can_select": services.may_select(access, census_return) and census_return.is_editable,
                "can_edit": services.can_edit(access, census_return),
                "refusal": services.edit_refusal(census_return)
                if census_return.status in EDITABLE_RETURN_STATES
                else None,
                "differences": census_return.differences(),
                "actions": services.allowed_actions(access, census_return),
                "history": services.MACHINE.history(census_return),
            },
        )


class FiguresView(CensusPage):
    def show(self, census_return, form):
        return render(
            request=self.request,
            template_name="census/figures.html",
            context={"return": census_return, "form": form},
        )

    def get(self, request, pk):
        census_return = self.editable_return(pk)
        return self.show(census_return, FiguresForm(instance=census_return))

    def post(self, request, pk):
        census_return = self.editable_return(pk)
        form = FiguresForm(request.POST, instance=census_return)
        if form.is_valid():
            try:
                services.save_figures(census_return, access=self.access, **form.cleaned_data)
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("census:return", pk)
        return self.show(self.census_return(pk), form)


class LineView(CensusPage):
    """Confirm or correct a pre-filled line (``census:line``), or add a missing instrument (``census:line_add``);
    the same for the other S&T resources (``ResourceLineView``)."""

    model, form_class, add_route, template = CensusLine, LineForm, "line_add", "census/line.html"

    def line(self, pk):
        if self.request.resolver_match.url_name == self.add_route:
            return self.model(census_return=self.editable_return(pk))
        line = get_object_or_404(
            self.model.objects.select_related("census_return__census", "census_return__unit").filter(
                census_return__in=services.visible_returns(self.access)
            ),
            pk=pk,
        )
        self.editable_return(line.census_return_id)
        return line

    def show(self, line, form):
        return render(self.request, self.template, {"line": line, "return": line.census_return, "form": form})

    def get(self, request, pk):
        line = self.line(pk)
        return self.show(line, self.form_class(instance=line))

    def post(self, request, pk):
        line = self.line(pk)
        if request.POST.get("remove"):
            try:
                services.remove_line(line, access=self.access)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect("census:return", line.census_return_id)
        form = self.form_class(request.POST, instance=line)
        if form.is_valid():
            try:
                services.save_line(form.instance, access=self.access)
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("已核实。"))
                return redirect("census:return", line.census_return_id)
        return self.show(line, form)


class ResourceLineView(LineView):
    model, form_class = CensusResourceLine, ResourceLineForm
    add_route, template = "resource_line_add", "census/resource_line.html"


class SelectView(CensusPage):
    """The supervising department selects an instrument below the value line into a unit's return."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.access.department_ids:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def selectable(self, pk):
        census_return = self.census_return(pk)
        if not services.may_select(self.access, census_return):
            raise PermissionDenied
        return census_return, services.selectable_instruments(census_return)

    def show(self, census_return, form):
        return render(self.request, "census/select.html", {"return": census_return, "form": form})

    def get(self, request, pk):
        census_return, instruments = self.selectable(pk)
        return self.show(census_return, SelectForm(instruments=instruments))

    def post(self, request, pk):
        census_return, instruments = self.selectable(pk)
        form = SelectForm(request.POST, instruments=instruments)
        if form.is_valid():
            try:
                services.select_instrument(
                    census_return, form.cleaned_data["instrument"].pk, access=self.access
                )
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("已纳入普查，待单位核实。"))
                return redirect("census:return", pk)
        return self.show(census_return, form)


class ActView(CensusPage):
    def post(self, request, pk):
        census_return = self.census_return(pk)
        post_step(
            request,
            lambda action, comment: services.act(
                census_return, action, access=self.access, actor=request.user, comment=comment
            ),
        )
        return redirect("census:return", pk)
