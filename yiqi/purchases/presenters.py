"""The frozen evidence as a page shows it: reasons worded in the reader's language, labels for codes."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.registry.models import Instrument

from .models import PurchaseApplication
from .services import sees_applications, visible_applications

DISTANCES = {"unit": gettext_lazy("本单位"), "city": gettext_lazy("同城"), "province": gettext_lazy("省内")}
SOURCES = {"telemetry": gettext_lazy("监测数据"), "usage": gettext_lazy("使用记录")}


def reason_text(reason: dict) -> str:
    code, figures = reason.get("code"), {"count": reason.get("count", 0), "names": reason.get("names", "")}
    if code == "no_similar":
        return _("本单位及省内没有可满足同样需求的同类仪器。")
    if code == "underused_nearby":
        return (
            _(
                "本单位或同城有 %(count)s 台同类仪器年机时低于饱和线且对外共享（%(names)s），可通过共享满足需求。"
            )
            % figures
        )
    if code == "underused_province":
        return _("省内有 %(count)s 台同类仪器未饱和且对外共享（%(names)s），建议附共享条件购置。") % figures
    if code == "saturated":
        return _("同类仪器 %(count)s 台年机时已达饱和线（%(names)s）。") % figures
    if code == "not_shareable":
        return _("其余 %(count)s 台同类仪器不对外共享或不在正常运行状态。") % figures
    if code == "meets_unmet_needs":
        return _("需求库中有 %(count)s 项同类的未满足需求，该购置可满足这些需求。") % figures
    return code or ""


def evidence_rows(application: PurchaseApplication) -> list[dict]:
    sharing = dict(Instrument.SharingMode.choices)
    rows = []
    for row in application.evidence.get("similar", []):
        rows.append(
            {
                **row,
                "distance_label": DISTANCES.get(row["distance"], row["distance"]),
                "source_label": SOURCES.get(row["hours_source"], row["hours_source"]),
                "sharing_label": sharing.get(row["sharing_mode"], row["sharing_mode"]),
                "score_percent": round(row["score"] * 100),
            }
        )
    return rows


def evidence_summary(application: PurchaseApplication) -> dict:
    found = application.evidence or {}
    rows = evidence_rows(application)
    return {
        "year": found.get("year"),
        "saturation_hours": found.get("saturation_hours"),
        "rows": rows,
        "reasons": [reason_text(r) for r in found.get("reasons", [])],
        "unmet_needs": found.get("unmet_needs", []),
        # Evidence frozen before domestic instruments were marked says nothing either way.
        "domestic_alternatives": (
            [row for row in rows if row["made_in_china"]] if "domestic_alternatives" in found else None
        ),
    }


def purchase_origin(access: Access, instrument) -> dict:
    """For the instrument's page: the purchase review it was bought under, to those who may open that review."""
    if not sees_applications(access):
        return {"application": None}
    return {"application": visible_applications(access).filter(instrument=instrument).first()}
