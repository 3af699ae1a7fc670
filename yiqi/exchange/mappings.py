"""Yiqi's choices → the national platform's text enumerations.

Several were observed in a national client rather than read in a specification (``national-interface.md``): a
deployment corrects them with ``YIQI_EXCHANGE_MAPPINGS`` in settings (``{"SHARE_MODE": {"external": "..."}}``)
without touching code.
"""

from django.conf import settings

YES, NO = "是", "否"
SOURCE = {"purchased": "购置", "self_built": "研制", "donated": "赠送", "other": "其他"}
FUNDS = {"central": "中央财政", "local": "地方财政", "own": "单位自有", "other": "其他"}
SHARE_MODE = {"external": "外部共享", "internal": "内部共享", "not_shared": "不共享"}
OPERATING_STATUS = {
    "normal": "正常",
    "idle": "正常",  # idle but working
    "under_repair": "待修",
    "to_be_scrapped": "待报废",
    "scrapped": "待报废",
}
# On the way in (migration from another platform): the two states Yiqi does not keep apart.
OPERATING_STATUS_IN = {"偶有故障": "normal", "故障频繁": "under_repair"}
BELONGS_TYPE = {"instrument_center": "1", "large_facility": "2"}
SERVICE_WAY = {"self_operation": "占用共享", "commissioned_testing": "委托共享"}
SERVICE_DIRECTION = {"research": "135", "service": "136", "teaching": "137", "other": "138"}
SERVICE_TYPE_INTERNAL, SERVICE_TYPE_EXTERNAL = "120", "130"
COMMENT = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "极差"}
INSTRUMENT_TYPE = "通用"  # Yiqi does not yet tell special-purpose from general-purpose instruments
NONE_TEXT = "无"  # required in practice: the platform refuses empty typical results
FEE_TEXT = "详见平台收费标准"

for _name, _override in getattr(settings, "YIQI_EXCHANGE_MAPPINGS", {}).items():
    _current = globals().get(_name)
    if isinstance(_current, dict):
        _current.update(_override)
    elif _current is not None:
        globals()[_name] = _override
