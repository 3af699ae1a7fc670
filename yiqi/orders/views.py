"""Web pages of commissioned testing. Thin: who may see an order comes from ``services``, and so do the rules."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from yiqi.accounts.access import access_for
from yiqi.core.memo import ask, first_with_asked
from yiqi.registry import scoping
from yiqi.servicerecords.presenters import panels_for

from . import services
from .forms import ActionForm, AssignForm, FormFieldForm, OrderForm, ResultUploadForm, add_service_errors
from .models import OrderFormField, TestOrder


def openable_order(request, pk) -> TestOrder:
    """The order if this user may open its page, else 404 (its existence is not revealed). What the page asks
    about the viewer and the order comes with it."""
    access = access_for(request.user)
    ask(services.viewer_facts(access, pk))
    queryset = services.openable_orders(access).select_related(
        "instrument__unit", "instrument__manager", "user", "user_organization", "record"
    )
    order = first_with_asked(queryset.filter(pk=pk))
    if order is None:
        raise Http404
    return order


class OrderCreateView(LoginRequiredMixin, FormView):
    form_class = OrderForm
    template_name = "orders/order_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access = access_for(request.user)
        self.instrument = get_object_or_404(scoping.visible_instruments(access), pk=kwargs["instrument_id"])
        refusal = services.order_refusal(access, self.instrument)
        if refusal and request.method == "GET":
            messages.error(request, refusal)
            return redirect("registry:instrument_detail", self.instrument.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instrument": self.instrument, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(instrument=self.instrument, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            order = services.submit_order(
                user=self.request.user,
                instrument=self.instrument,
                sample_name=data["sample_name"],
                sample_count=data["sample_count"],
                sample_description=data["sample_description"],
                requirements=data["requirements"],
                answers=form.answers(),
                return_samples=data["return_samples"],
                user_organization=data.get("user_organization"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("委托单 %(number)s 已提交，请等待报价。") % {"number": order.number})
        return redirect("orders:detail", order.pk)


class StatusFilterMixin:
    """``?status=`` narrows a list; the page shows how many orders are in each state (``services.status_tabs``)."""

    def filter_status(self, queryset):
        queryset, self.tabs = services.status_tabs(queryset, self.request.GET.get("status", ""))
        return queryset.select_related("instrument__unit", "user")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.tabs, **kwargs)


class MyOrdersView(LoginRequiredMixin, StatusFilterMixin, ListView):
    template_name = "orders/my_orders.html"
    paginate_by = 50

    def get_queryset(self):
        return self.filter_status(TestOrder.objects.filter(user=self.request.user))


class QueueView(LoginRequiredMixin, StatusFilterMixin, ListView):
    """The unit's orders; staff not handling an order see only its number, instrument, status and dates."""

    template_name = "orders/queue.html"
    paginate_by = 50

    def get_queryset(self):
        access = access_for(self.request.user)
        if not services.has_queue(access):
            raise PermissionDenied
        # ?mine=1: only the orders the user handles (what the workspace counts for them)
        mine = self.request.GET.get("mine")
        return self.filter_status(services.handled_orders(access) if mine else services.unit_orders(access))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = services.queue_rows(access_for(self.request.user), context["object_list"])
        return context


def render_detail(request, order: TestOrder, *, upload_form=None, assign_form=None, status=200):
    page = services.order_page(access_for(request.user), order)
    context = {
        **page,
        "action_form": ActionForm(initial={"hours": order.estimated_hours, "tested_from": order.tested_from}),
        "panels": panels_for(order.record, request.user),
    }
    if page["may_upload"]:
        context["upload_form"] = upload_form or ResultUploadForm()
    if page["may_assign"]:
        assigned = {"staff": [user.pk for user in page["assigned"]]} if "assigned" in page else {}
        context["assign_form"] = assign_form or AssignForm(order=order, initial=assigned)
    return render(request, "orders/order_detail.html", context, status=status)


class OrderDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return render_detail(request, openable_order(request, pk))


class OrderActionView(LoginRequiredMixin, View):
    def post(self, request, pk):
        order = openable_order(request, pk)
        form = ActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("orders:detail", pk)
        try:
            order = services.transition(
                order,
                form.cleaned_data["action"],
                actor=request.user,
                comment=form.cleaned_data["comment"],
                **form.params(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("操作成功，当前状态：%(status)s。") % {"status": order.get_status_display()}
            )
        return redirect("orders:detail", pk)


class ResultUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        order = openable_order(request, pk)
        form = ResultUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                saved = services.add_results(order, form.cleaned_data["files"], actor=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("已上传 %(n)d 个结果文件。") % {"n": len(saved)})
                return redirect("orders:detail", pk)
        return render_detail(request, order, upload_form=form)


class ResultDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk, result_id):
        order = openable_order(request, pk)
        result = get_object_or_404(order.results, pk=result_id)
        result = services.open_result(result, actor=request.user)
        return FileResponse(result.file.open("rb"), as_attachment=True, filename=result.original_name)


class ResultDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk, result_id):
        order = openable_order(request, pk)
        result = get_object_or_404(order.results, pk=result_id)
        try:
            services.remove_result(result, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("orders:detail", pk)


class AssignView(LoginRequiredMixin, View):
    def post(self, request, pk):
        order = openable_order(request, pk)
        form = AssignForm(request.POST, order=order)
        if form.is_valid():
            try:
                services.assign_staff(order, form.cleaned_data["staff"], actor=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("负责人员已更新。"))
                return redirect("orders:detail", pk)
        return render_detail(request, order, assign_form=form)


# --- the instrument's questions ---------------------------------------------------------------------------------


class ManagedInstrumentMixin(LoginRequiredMixin):
    """Pages for the people who set the instrument's service: its manager and the unit's admins."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access = access_for(request.user)
        self.instrument = get_object_or_404(scoping.visible_instruments(access), pk=kwargs["instrument_id"])
        if not scoping.can_manage_service(access, self.instrument):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_field(self) -> OrderFormField:
        return get_object_or_404(self.instrument.order_form_fields, pk=self.kwargs["field_id"])

    def save(self, form) -> bool:
        try:
            services.save_form_field(form.instance, actor=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return False
        messages.success(self.request, _("已保存“%(label)s”。") % {"label": form.instance.label})
        return True

    def page(self, form, template="orders/form_fields.html"):
        return render(
            self.request,
            template,
            {
                "instrument": self.instrument,
                "fields": self.instrument.order_form_fields.all(),
                "form": form,
                "history": services.form_history(self.instrument),
            },
        )


class FormFieldListView(ManagedInstrumentMixin, View):
    """The questions asked on this instrument's orders, and a form to add one."""

    def get(self, request, instrument_id):
        return self.page(FormFieldForm())

    def post(self, request, instrument_id):
        form = FormFieldForm(request.POST, instance=OrderFormField(instrument=self.instrument))
        if form.is_valid() and self.save(form):
            return redirect("orders:form_fields", instrument_id)
        return self.page(form)


class FormFieldEditView(ManagedInstrumentMixin, View):
    def get(self, request, instrument_id, field_id):
        return self.page(FormFieldForm(instance=self.get_field()), "orders/form_field_edit.html")

    def post(self, request, instrument_id, field_id):
        form = FormFieldForm(request.POST, instance=self.get_field())
        if form.is_valid() and self.save(form):
            return redirect("orders:form_fields", instrument_id)
        return self.page(form, "orders/form_field_edit.html")


class FormFieldDeleteView(ManagedInstrumentMixin, View):
    def post(self, request, instrument_id, field_id):
        field = self.get_field()
        services.delete_form_field(field, actor=request.user)
        messages.success(request, _("已删除“%(label)s”。") % {"label": field.label})
        return redirect("orders:form_fields", instrument_id)


class FormFieldMoveView(ManagedInstrumentMixin, View):
    def post(self, request, instrument_id, field_id):
        offset = -1 if request.POST.get("direction") == "up" else 1
        services.move_form_field(self.get_field(), offset, actor=request.user)
        return redirect("orders:form_fields", instrument_id)
