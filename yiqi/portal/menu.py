"""The site menu: each link is shown to whoever the page's own access rule lets in, and to nobody else.

Every rule here is the function the page's view itself asks (``registry.summaries.has_review_queue``,
``fees.statements.lists_unit_charges``…), so a menu link never leads to a refusal; yiqi/portal/tests/test_menu.py
walks every link for every role of the access matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from yiqi.accounts import services as accounts
from yiqi.accounts.access import Access
from yiqi.catalog import domestic
from yiqi.census import services as census
from yiqi.evaluation.services import presenters as evaluation
from yiqi.exchange.services import keys as exchange_keys
from yiqi.exchange.services import outbox as exchange
from yiqi.fees import statements
from yiqi.monitoring import services as monitoring
from yiqi.orders import services as orders
from yiqi.outcomes import services as outcomes
from yiqi.purchases import services as purchases
from yiqi.registry import scoping, summaries
from yiqi.resources import services as resources
from yiqi.usage import totals

from . import readlog


def _signed_in(access: Access) -> bool:
    return access.is_authenticated


def _unit_staff(access: Access) -> bool:
    return bool(access.staff_unit_ids)


@dataclass(frozen=True)
class Link:
    route: str
    label: str
    may_open: Callable[[Access], bool]
    query: str = ""

    @property
    def url(self) -> str:
        return reverse(self.route) + (f"?{self.query}" if self.query else "")


# The user's own services.
MINE = (
    Link("booking:mine", _("我的预约"), _signed_in),
    Link("orders:mine", _("我的委托"), _signed_in),
    Link("fees:mine", _("我的费用"), _signed_in),
    Link("vouchers:home", _("科技创新券"), _signed_in),
    Link("feedback:complaint_list", _("投诉"), _signed_in),
    Link("resources:requests", _("科技资源申请"), _signed_in),
    Link("outcomes:mine", _("我的论文致谢"), _signed_in),
    # Switching on a booked instrument; unit staff also switch, override and configure here.
    Link("interlocks:list", _("仪器联锁"), _signed_in),
    Link("demands:list", _("需求库"), _signed_in),
)
# A unit's service desk and the oversight pages, each for the roles its view admits.
WORK = (
    Link("booking:queue", _("预约处理"), scoping.serves_instruments),
    Link("orders:queue", _("委托测试单"), orders.has_queue),
    Link("fees:unit", _("收费与对账"), statements.lists_unit_charges),
    Link("usage:record_list", _("使用记录"), _unit_staff),
    Link("feedback:rating_list", _("用户评价"), _unit_staff),
    Link("registry:review_queue", _("入网审核"), summaries.has_review_queue),
    Link("registry:deadlines", _("入网期限"), summaries.sees_deadlines),
    Link("usage:dashboard", _("机时与共享统计"), totals.sees_usage_totals),
    Link("monitoring:board", _("远程监测"), monitoring.can_watch),
    Link("accounts:members", _("成员管理"), accounts.manages_members),
    Link("portal:read_log", _("下载与导出记录"), readlog.can_read_log),
    Link("resources:mine", _("本单位科技资源"), resources.sees_unit_resources),
    Link("census:list", _("年度普查"), census.sees_census),
    Link("outcomes:list", _("应用成果"), outcomes.sees_unit_outcomes),
    Link("exchange:record_list", _("国家平台上报"), exchange.sees_reporting),
    Link("exchange:migration", _("迁入其他平台的数据"), exchange.is_authority),
    Link("exchange:systems", _("单位系统对接"), exchange_keys.manages_unit_systems),
    Link("evaluation:home", _("开放共享评价"), evaluation.takes_part),
    Link("purchases:list", _("购置查重评议"), purchases.sees_applications),
    Link("evaluation:instruments", _("仪器利用排名"), totals.sees_usage_totals),
    Link("catalog:domestic_share", _("国产仪器占比"), domestic.sees_domestic_share),
)


class Menu:
    """The links one visitor's menu shows; worked out on first use, so pages without the menu pay nothing."""

    def __init__(self, access: Access):
        self.access = access

    @cached_property
    def mine(self) -> list[Link]:
        return [link for link in MINE if link.may_open(self.access)]

    @cached_property
    def work(self) -> list[Link]:
        return [link for link in WORK if link.may_open(self.access)]

    @property
    def work_heading(self) -> str:
        # The platform authority and departments oversee units; they do not work in one.
        if self.access.staff_unit_ids:
            return _("单位服务")
        return _("管理与监督")

    def links(self) -> list[Link]:
        return [*self.mine, *self.work]
