"""Migration in, for the authority: upload national records or a unit's workbook, see what would be created and
updated (or every problem by record and field), confirm. Between preview and confirmation the file waits in private
storage under a token kept in the session; confirming queues a background job that checks it again in full and
writes it. The page lists the jobs with their state (queued, running, done, or failed with the reason)."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import View

from yiqi.accounts.access import access_for
from yiqi.core.spreadsheets import validate_xlsx_upload
from yiqi.core.storage import private_storage

from .models import MigrationJob, UnitCode
from .services import migration, outbox

SESSION_KEY = "exchange_migration"
RECENT_JOBS = 20


def _authority(request):
    if not outbox.is_authority(access_for(request.user)):
        raise PermissionDenied(_("只有平台主管机关可以迁入其他平台的数据。"))


def _checked_upload(upload) -> bytes:
    if upload is None:
        raise ValidationError(_("请选择要导入的文件。"))
    if upload.name.lower().endswith(".xlsx"):
        validate_xlsx_upload(upload)
    elif upload.size > settings.YIQI_IMPORT_MAX_BYTES:
        raise ValidationError(
            _("文件大小为 %(size)s，超过上限 %(limit)s。更大的文件请用 manage.py import_national 导入。")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.YIQI_IMPORT_MAX_BYTES)}
        )
    return upload.read()


class MigrationView(LoginRequiredMixin, View):
    template_name = "exchange/migration.html"

    def get(self, request):
        _authority(request)
        return self._page(request)

    def post(self, request):
        _authority(request)
        if "token" in request.POST:
            return self._confirm(request)
        unit_code = request.POST.get("unit", "")
        upload = request.FILES.get("file")
        try:
            data = _checked_upload(upload)
        except ValidationError as error:
            return self._page(request, upload_error=" ".join(error.messages), status=400)
        plan = migration.plan_file(upload.name, data, request.user, unit_code)
        token = ""
        if plan.ok:
            token = secrets.token_urlsafe(16)
            stored = private_storage().save(f"exchange/migration/{token}", ContentFile(data))
            request.session[SESSION_KEY] = {
                "token": token,
                "path": stored,
                "name": upload.name,
                "unit": unit_code,
            }
        return self._page(request, plan=plan.summary(), token=token, status=200 if plan.ok else 400)

    def _confirm(self, request):
        pending = request.session.get(SESSION_KEY) or {}
        if not pending or pending.get("token") != request.POST["token"]:
            messages.error(request, _("预览已失效，请重新上传文件。"))
            return redirect("exchange:migration")
        del request.session[SESSION_KEY]  # one job per preview
        job = migration.queue(pending["name"], pending["path"], pending["unit"], request.user)
        messages.success(
            request, _("“%(name)s”已排队导入，写入在后台进行，结果见下方列表。") % {"name": job.name}
        )
        return redirect("exchange:migration")

    def _page(self, request, status=200, **context):
        units = UnitCode.objects.select_related("unit").order_by("unit__name")
        jobs = MigrationJob.objects.select_related("created_by")[:RECENT_JOBS]
        return render(
            request, self.template_name, {"unit_codes": units, "jobs": jobs, **context}, status=status
        )
