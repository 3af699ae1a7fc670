"""Purchase-review pages: the list, filing and editing, the application with its evidence, the experts' opinions
and the authority's decision, and the printable (PDF) opinion. Views only call ``services``."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.core import pdf
from yiqi.fees.views import add_errors

from . import printing, services
from .forms import ApplicationForm, AssignForm, DecisionForm, LinkForm, ReviewForm, quote_rows
from .models import Opinion, Status

PAGE_SIZE = 20


class PurchaseView(LoginRequiredMixin, View):
    @property
    def access(self):
        return access_for(self.request.user)

    def application(self, pk):
        return get_object_or_404(services.visible_applications(self.access), pk=pk)


class ListView(PurchaseView):
    def get(self, request):
        access = self.access
        if not services.sees_applications(access):
            raise PermissionDenied
        rows = services.visible_applications(access)
        status = request.GET.get("status", "")
        if status in Status.values:
            rows = rows.filter(status=status)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "purchases/list.html",
            {
                "page_obj": page,
                "statuses": Status.choices,
                "status": status,
                "can_file": services.can_file(access),
            },
        )


class RecordView(PurchaseView):
    """The authority's online record (备案): filed applications, by year, unit and opinion."""

    def get(self, request):
        access = self.access
        if not services.sees_applications(access):
            raise PermissionDenied
        year, unit = (
            services.int_or_none(request.GET.get("year")),
            services.int_or_none(request.GET.get("unit")),
        )
        opinion = request.GET.get("opinion", "")
        opinion = opinion if opinion in Opinion.values else ""
        rows = services.filed_record(access, year=year, unit_id=unit, opinion=opinion)
        return render(
            request,
            "purchases/record.html",
            {
                "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
                "years": services.filed_years(access),
                "units": services.filed_units(access),
                "opinions": Opinion.choices,
                "year": year,
                "unit": unit,
                "opinion": opinion,
            },
        )


class CreateView(PurchaseView):
    def get(self, request):
        if not services.can_file(self.access):
            raise PermissionDenied
        return self.show(ApplicationForm(), None, quote_rows())

    def show(self, form, application, quotes):
        return render(
            self.request,
            "purchases/form.html",
            {
                "form": form,
                "application": application,
                "quotes": quotes,
                "units": services.filing_units(self.access),
            },
        )

    def post(self, request):
        if not services.can_file(self.access):
            raise PermissionDenied
        units = services.filing_units(self.access)
        unit = units.filter(pk=request.POST.get("unit") or 0).first() or units.first()
        return self.save(ApplicationForm(request.POST), unit, None)

    def save(self, form, unit, application):
        quotes = quote_rows(data=self.request.POST)
        if form.is_valid():
            try:
                application = services.save_application(
                    self.access,
                    unit=unit,
                    values=form.cleaned_data,
                    quotes=quotes,
                    actor=self.request.user,
                    application=application,
                )
            except ValidationError as error:
                add_errors(self.request, form, error)
            else:
                messages.success(self.request, _("已保存。"))
                return redirect("purchases:detail", application.pk)
        return self.show(form, application, quotes)


class EditView(CreateView):
    def editable(self, pk):
        application = self.application(pk)
        if not services.can_edit(self.access, application):
            raise PermissionDenied
        return application

    def get(self, request, pk):
        application = self.editable(pk)
        return self.show(ApplicationForm(instance=application), application, quote_rows(application))

    def post(self, request, pk):
        application = self.editable(pk)
        # The form validates a copy: the service re-reads the row and applies only what it accepts.
        form = ApplicationForm(request.POST, instance=copy(application))
        return self.save(form, application.unit, application)


def detail_context(access, application) -> dict:
    review = services.review_of(access, application)
    authority = services.is_authority(access)
    return {
        **printing.record_context(access, application),
        "my_review": review,
        "review_form": ReviewForm(instance=review) if review and not review.submitted_at else None,
        "can_edit": services.can_edit(access, application),
        "can_submit": services.can_edit(access, application),
        "can_withdraw": application.unit_id in access.editor_unit_ids
        and application.status in (Status.DRAFT, Status.SUBMITTED),
        "assign_form": AssignForm(experts=services.candidate_experts(application))
        if authority and application.status in (Status.SUBMITTED, Status.IN_REVIEW)
        else None,
        "decision_form": DecisionForm() if authority and application.status == Status.IN_REVIEW else None,
        "link_form": LinkForm()
        if application.unit_id in access.editor_unit_ids
        and application.is_decided
        and not application.instrument_id
        and application.opinion != "refuse"
        else None,
        "can_file": authority and application.status == Status.DECIDED,
        "history": services.machine.history(application),
    }


class DetailView(PurchaseView):
    def get(self, request, pk):
        return render(request, "purchases/detail.html", detail_context(self.access, self.application(pk)))


class ActView(PurchaseView):
    """Every step on an application, by ``action``: submit, withdraw, assign, review, decide, link."""

    def post(self, request, pk):
        access, application, user = self.access, self.application(pk), request.user
        try:
            services.act(access, application, request.POST.get("action", ""), request.POST.dict(), actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("操作成功。"))
        return redirect("purchases:detail", pk)


class PrintView(PurchaseView):
    """The filed record (application, evidence, opinions, decision) as a PDF."""

    def get(self, request, pk):
        application = self.application(pk)
        return pdf.inline(
            printing.opinion_pdf(self.access, application, request), f"{application.number}.pdf"
        )
