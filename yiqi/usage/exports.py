"""CSV export of usage records, streamed row by row; every export is a row of the sensitive-read log."""

from django.utils import timezone
from django.utils.translation import gettext as _

from yiqi.core import changelog
from yiqi.core.exports import csv_stream


def log_export(actor, filterset, fmt: str = "csv") -> None:
    """Log who exported which usage records (the filters as shown) and, when they are one unit's, for which."""
    changelog.record_export(
        actor,
        unit_id=changelog.sole_unit(filterset.qs),
        what=_("使用记录导出（%(fmt)s）") % {"fmt": fmt.upper()},
        filters=changelog.filters_shown(filterset.form),
    )


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def export_csv(queryset):
    """CSV chunks, UTF-8 with BOM for Excel; text a spreadsheet would run as a formula is quoted."""
    header = [
        _("记录编号"),
        _("仪器"),
        _("资产编号"),
        _("管理单位"),
        _("来源"),
        _("使用人"),
        _("使用人单位"),
        _("对外服务"),
        _("用途"),
        _("开始时间"),
        _("结束时间"),
        _("有效机时（小时）"),
        _("样品数"),
        _("服务内容"),
        _("收费（元）"),
    ]
    records = queryset.select_related("instrument", "unit", "user_organization").order_by("started_at", "id")
    yes, no = _("是"), _("否")
    rows = (
        [
            record.pk,
            record.instrument.name,
            record.instrument.asset_number,
            record.unit.name,
            record.get_source_display(),
            record.user_name,
            record.user_organization.name if record.user_organization else "",
            yes if record.is_external else no,
            record.get_purpose_display(),
            _local(record.started_at),
            _local(record.ended_at),
            record.machine_hours,
            record.sample_count,
            record.service_content,
            record.fee,
        ]
        for record in records.iterator(chunk_size=2000)
    )
    return csv_stream(header, rows)
