"""Import template download, spreadsheet upload with a live status page, and list export."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.core.exports import XLSX_CONTENT_TYPE
from yiqi.core.forms import BootstrapFormMixin
from yiqi.core.spreadsheets import validate_xlsx_upload
from yiqi.organizations.models import Organization

from .. import scoping, spreadsheets
from ..filters import InstrumentFilter
from ..models import ImportJob
from ..spreadsheets.progress import imported_drafts, queue_state
from ..tasks import run_import_job


def editor_units(request):
    """The management units whose records the user may import; 403 if none."""
    units = Organization.objects.filter(pk__in=access_for(request.user).editor_unit_ids).order_by("name")
    if not units:
        raise PermissionDenied(_("您没有可导入仪器的单位。"))
    return units


class ImportForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("管理单位"), queryset=Organization.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("Excel 文件"),
        help_text=gettext_lazy("请使用导入模板填写，仅支持 .xlsx 格式。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_xlsx_upload(upload)
        return upload


class ImportUploadView(LoginRequiredMixin, View):
    template_name = "registry/import_upload.html"

    def get(self, request):
        return self.render(request, ImportForm(units=editor_units(request)))

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, units=editor_units(request))
        if not form.is_valid():
            return self.render(request, form, status=400)
        upload = form.cleaned_data["file"]
        job = ImportJob.objects.create(
            unit=form.cleaned_data["unit"],
            uploaded_by=request.user,
            file=upload,
            original_name=upload.name[:200],
        )
        transaction.on_commit(lambda: run_import_job(job.pk))
        return redirect("registry:import_status", pk=job.pk)

    def render(self, request, form, status=200):
        units = form.fields["unit"].queryset
        jobs = ImportJob.objects.filter(unit__in=units).select_related("unit", "uploaded_by")[:20]
        return render(
            request, self.template_name, {"form": form, "units": units, "jobs": jobs}, status=status
        )


class ImportTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        units = editor_units(request)
        unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), units[0])
        return HttpResponse(
            spreadsheets.build_template(unit),
            content_type=XLSX_CONTENT_TYPE,
            headers={
                "Content-Disposition": content_disposition_header(
                    True, _("仪器导入模板-%(unit)s.xlsx") % {"unit": unit.name}
                )
            },
        )


class ImportStatusView(LoginRequiredMixin, View):
    """The job's progress and result; htmx polls it for the progress partial while the job runs."""

    def get(self, request, pk):
        job = get_object_or_404(ImportJob.objects.select_related("unit", "uploaded_by"), pk=pk)
        if (
            job.uploaded_by_id != request.user.pk
            and job.unit_id not in access_for(request.user).editor_unit_ids
        ):
            raise Http404
        template = "registry/_import_progress.html" if request.htmx else "registry/import_status.html"
        # Rows written inside the transaction are counted only where a second connection can report them.
        writing_unknown = job.status == ImportJob.Status.WRITING and not job.processed_rows
        progress_known = job.is_finished or (bool(job.total_rows) and not writing_unknown)
        context = {
            "job": job,
            "progress_known": progress_known,
            "queue": queue_state(job),
            "drafts": imported_drafts(job) if job.unit_id in access_for(request.user).editor_unit_ids else [],
        }
        return render(request, template, context)


class ExportView(LoginRequiredMixin, View):
    """The filtered list the user can see, with the list page's GET parameters."""

    def get(self, request, fmt):
        if fmt not in ("xlsx", "csv"):
            raise Http404
        visible = scoping.visible_instruments(access_for(request.user))
        filtered = InstrumentFilter(request.GET, queryset=visible, request=request)
        queryset = filtered.qs
        spreadsheets.log_export(filtered, fmt, actor=request.user)
        filename = _("科研设施与仪器-%(day)s.%(fmt)s") % {"day": f"{timezone.localdate():%Y%m%d}", "fmt": fmt}
        if fmt == "csv":
            response = StreamingHttpResponse(
                spreadsheets.export_csv(queryset), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        return FileResponse(
            spreadsheets.export_xlsx(queryset),
            as_attachment=True,
            filename=filename,
            content_type=XLSX_CONTENT_TYPE,
        )
