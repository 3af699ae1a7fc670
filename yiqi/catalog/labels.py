"""Names people read for the search facets (the search module speaks in keys)."""

from django.utils.translation import gettext_lazy as _

FACET_TITLES = {
    "top_class": _("仪器大类"),
    "middle_class": _("仪器中类"),
    "city": _("所在城市"),
    "unit": _("管理单位"),
    "unit_kind": _("单位类型"),
    "value_band": _("原值区间"),
    "service_mode": _("服务方式"),
    "sharing_mode": _("共享方式"),
    "operating_status": _("运行状态"),
    "free_this_week": _("可预约时段"),
    "domestic": _("国产仪器"),
}
SORT_LABELS = {"relevance": _("相关度"), "rating": _("用户评价"), "value": _("原值"), "newest": _("最新")}
