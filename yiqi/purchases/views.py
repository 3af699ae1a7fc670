"""Purchase-review pages: the list, filing and editing, the application with its evidence, the experts' opinions
and the authority's decision, and the printable (PDF) opinion. Views only call ``services``."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.experts.models import Expert
from yiqi.fees.views import add_errors
from yiqi.registry.models import Instrument

from . import presenters, services
from .forms import ApplicationForm, AssignForm, DecisionForm, LinkForm, ReviewForm, quote_rows
from .models import Status

PAGE_SIZE = 20
# The PDF's layout (WeasyPrint): A4, a CJK font, ruled tables.
PRINT_CSS = """
@page { size: A4; margin: 18mm 15mm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 16pt; text-align: center; } h2 { font-size: 12pt; margin-top: 14pt; }
table { width: 100%; border-collapse: collapse; } th, td { border: 0.5pt solid #444; padding: 3pt 4pt; }
th { background: #eee; text-align: left; }
"""


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
        "application": application,
        "quotes": application.quotes.all(),
        "evidence": presenters.evidence_summary(application),
        "reviews": application.reviews.select_related("expert")
        if authority or application.unit_id in access.staff_unit_ids or application.status == Status.DECIDED
        else [],
        "scores": services.mean_scores(application),
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
        and application.status == Status.DECIDED
        and not application.instrument_id
        and application.opinion != "refuse"
        else None,
        "history": services.machine.history(application),
    }


class DetailView(PurchaseView):
    def get(self, request, pk):
        return render(request, "purchases/detail.html", detail_context(self.access, self.application(pk)))


class ActView(PurchaseView):
    """Every step on an application, by ``action``: submit, withdraw, assign, review, decide, link."""

    def post(self, request, pk):
        access, application, user = self.access, self.application(pk), request.user
        action = request.POST.get("action", "")
        try:
            if action == "submit":
                services.submit(access, application, actor=user)
            elif action == "withdraw":
                services.withdraw(access, application, actor=user, comment=request.POST.get("comment", ""))
            elif action == "assign":
                expert = Expert.objects.filter(pk=_int(request.POST.get("expert"))).first()
                if expert is None:
                    raise ValidationError({"expert": [_("请选择专家。")]})
                services.assign_expert(access, application, expert=expert, actor=user)
            elif action == "review":
                review = services.review_of(access, application)
                if review is None:
                    raise PermissionDenied
                services.submit_review(access, review, values=request.POST.dict(), actor=user)
            elif action == "decide":
                services.decide(
                    access,
                    application,
                    opinion=request.POST.get("opinion", ""),
                    text=request.POST.get("opinion_text", ""),
                    conditions=request.POST.get("conditions", ""),
                    actor=user,
                )
            elif action == "link":
                instrument = Instrument.objects.filter(pk=_int(request.POST.get("instrument"))).first()
                if instrument is None:
                    raise ValidationError({"instrument": [_("未找到该仪器。")]})
                services.link_instrument(access, application, instrument=instrument, actor=user)
            else:
                raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("操作成功。"))
        return redirect("purchases:detail", pk)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class PrintView(PurchaseView):
    """The filed record (application, evidence, opinions, decision) as a PDF."""

    def get(self, request, pk):
        application = self.application(pk)
        if application.status != Status.DECIDED:
            raise PermissionDenied(_("出具意见后才能打印。"))
        from weasyprint import CSS, HTML

        html = render_to_string(
            "purchases/print.html", detail_context(self.access, application), request=request
        )
        pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=PRINT_CSS)])
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{application.number}.pdf"'
        return response
