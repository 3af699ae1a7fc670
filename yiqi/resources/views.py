"""Resource pages: the public list and record, the unit's records and their workflow, requests and their
decisions. Views only call ``services``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.core.forms import add_errors
from yiqi.core.workflow import post_step
from yiqi.organizations.models import Organization
from yiqi.servicerecords.presenters import panels_for

from . import services
from .forms import DecisionForm, RequestForm, ResourceForm
from .models import Resource, ResourceKind, ResourceStatus

PAGE_SIZE = 20


class ListView(View):
    """The public list is the catalogue's (each kind with its own facets): same parameters, one place."""

    def get(self, request):
        query = request.GET.urlencode()
        return redirect(reverse("catalog:resources") + (f"?{query}" if query else ""))


class DetailView(View):
    def get(self, request, pk):
        access = access_for(request.user)
        resource = get_object_or_404(services.visible_resources(access), pk=pk)
        return render(
            request,
            "resources/detail.html",
            {
                "resource": resource,
                "fields": [
                    (Resource._meta.get_field(name).verbose_name, _display(resource, name))
                    for name in services.fields_for(resource.kind)
                ],
                "actions": services.allowed_actions(access, resource),
                "can_edit": services.can_edit(access, resource),
                "request_label": services.REQUEST_LABELS[resource.kind],
                "request_refusal": services.request_refusal(access, resource),
                "history": services.MACHINE.history(resource)
                if resource.unit_id in access.staff_unit_ids
                else [],
            },
        )


def _display(resource: Resource, name: str):
    display = getattr(resource, f"get_{name}_display", None)
    value = display() if display else getattr(resource, name)
    return "" if value is None else value


class StaffView(LoginRequiredMixin, View):
    @property
    def access(self):
        return access_for(self.request.user)


class MineView(StaffView):
    """The unit's own records, whatever their state."""

    def get(self, request):
        access = self.access
        if not services.sees_unit_resources(access):
            raise PermissionDenied
        status = request.GET.get("status", "")
        rows = services.unit_side_resources(access, status)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "resources/mine.html",
            {
                "page_obj": page,
                "kinds": ResourceKind.choices,
                "statuses": ResourceStatus.choices,
                "status": status,
                "can_create": bool(access.editor_unit_ids),
            },
        )


class CreateView(StaffView):
    def kind(self, request) -> str:
        kind = request.GET.get("kind") or ResourceKind.DATASET
        return kind if kind in ResourceKind.values else ResourceKind.DATASET

    def units(self):
        return Organization.objects.filter(pk__in=self.access.editor_unit_ids).order_by("name")

    def get(self, request):
        if not self.access.editor_unit_ids:
            raise PermissionDenied
        return self.show(ResourceForm(kind=self.kind(request)))

    def show(self, form, resource=None):
        kind = resource.kind if resource else self.kind(self.request)
        return render(
            self.request,
            "resources/form.html",
            {
                "form": form,
                "resource": resource,
                "kind_label": ResourceKind(kind).label,
                "units": self.units(),
            },
        )

    def post(self, request):
        access = self.access
        if not access.editor_unit_ids:
            raise PermissionDenied
        unit_ids = sorted(access.editor_unit_ids)
        try:
            unit_id = int(request.POST.get("unit") or unit_ids[0])
        except ValueError:
            unit_id = unit_ids[0]
        resource = Resource(kind=self.kind(request), unit_id=unit_id)
        form = ResourceForm(request.POST, instance=resource, kind=resource.kind)
        return self.save(form, resource)

    def save(self, form, resource):
        if form.is_valid():
            try:
                resource = services.save_resource(form.instance, access=self.access, user=self.request.user)
            except ValidationError as error:
                add_errors(self.request, form, error)
            else:
                messages.success(self.request, _("已保存。"))
                return redirect("resources:detail", resource.pk)
        return self.show(form, resource if resource.pk else None)


class EditView(CreateView):
    def resource(self, pk) -> Resource:
        resource = get_object_or_404(services.visible_resources(self.access), pk=pk)
        if not services.can_edit(self.access, resource):
            raise PermissionDenied
        return resource

    def get(self, request, pk):
        resource = self.resource(pk)
        return self.show(ResourceForm(instance=resource, kind=resource.kind), resource)

    def post(self, request, pk):
        resource = self.resource(pk)
        return self.save(ResourceForm(request.POST, instance=resource, kind=resource.kind), resource)


class ActView(StaffView):
    def post(self, request, pk):
        resource = get_object_or_404(services.visible_resources(self.access), pk=pk)
        post_step(
            request,
            lambda action, comment: services.act(
                resource, action, access=self.access, actor=request.user, comment=comment
            ),
        )
        return redirect("resources:detail", pk)


class RequestView(StaffView):
    """Any signed-in user asks to use a published resource."""

    def resource(self, pk):
        return get_object_or_404(services.visible_resources(self.access), pk=pk)

    def show(self, resource, form):
        return render(
            self.request,
            "resources/request_form.html",
            {
                "resource": resource,
                "form": form,
                "label": services.REQUEST_LABELS[resource.kind],
                "refusal": services.request_refusal(self.access, resource),
            },
        )

    def get(self, request, pk):
        resource = self.resource(pk)
        return self.show(resource, RequestForm(resource=resource))

    def post(self, request, pk):
        resource = self.resource(pk)
        form = RequestForm(request.POST, resource=resource)
        if form.is_valid():
            try:
                made = services.request_resource(
                    resource,
                    access=self.access,
                    user=request.user,
                    purpose=form.cleaned_data["purpose"],
                    quantity=form.cleaned_data["quantity"],
                    shape=form.cleaned_data["shape"],
                )
            except ValidationError as error:
                add_errors(request, form, error)
            else:
                messages.success(request, _("申请已提交，请等待管理单位审核。"))
                return redirect("resources:request_detail", made.pk)
        return self.show(resource, form)


class RequestListView(StaffView):
    def get(self, request):
        access = self.access
        overdue_only = request.GET.get("overdue") == "1"
        rows = services.overdue_loans(access) if overdue_only else services.visible_requests(access)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "resources/requests.html",
            {
                "page_obj": page,
                "overdue_only": overdue_only,
                "overdue_count": services.overdue_loans(access).count() if access.staff_unit_ids else 0,
            },
        )


class RequestDetailView(StaffView):
    def get(self, request, pk):
        access = self.access
        made = get_object_or_404(services.visible_requests(access), pk=pk)
        return render(
            request,
            "resources/request_detail.html",
            {
                "made": made,
                "label": services.REQUEST_LABELS[made.resource.kind],
                "actions": services.request_actions(access, made),
                "history": services.REQUESTS.history(made),
                "panels": panels_for(made.record, request.user),
            },
        )


class RequestActView(StaffView):
    def post(self, request, pk):
        made = get_object_or_404(services.visible_requests(self.access), pk=pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
            return redirect("resources:request_detail", pk)
        try:
            services.decide(made, access=self.access, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("操作成功。"))
        return redirect("resources:request_detail", pk)
