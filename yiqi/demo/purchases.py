"""Demo duplicate-purchase review and demand database: planned purchases from the labelled set at every step (a
draft, filed with evidence, under review, decided three ways) and companies' needs matched to instruments, some
answered, one met by an order placed from it and carried out, one closed. Through the services, so evidence, audit
and notices are real; a few seconds."""

import datetime as dt
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.demands import services as demands
from yiqi.experts import services as experts
from yiqi.experts.models import Expert
from yiqi.orders import services as orders
from yiqi.organizations.models import Deployment, Organization
from yiqi.purchases import services as purchases
from yiqi.purchases.models import Opinion
from yiqi.purchases.quality import load_cases
from yiqi.registry.models import InstrumentCategory

SUPPLIERS = (
    "赛默飞世尔科技（中国）有限公司",
    "岛津企业管理（中国）有限公司",
    "安捷伦科技（中国）有限公司",
    "布鲁克（北京）科技有限公司",
)
# The steps each demo application reaches, in order of the labelled cases used.
STEPS = (
    "draft",
    "submitted",
    "submitted",
    "review",
    "review",
    "recommend",
    "conditional",
    "refuse",
    "conditional",
)
NEEDS = (
    ("锂电池正极材料形貌观察", "扫描电子显微镜观察正极颗粒表面形貌并做能谱元素分析", "粉末", 12),
    ("中药材农药残留检测", "液相色谱-质谱联用测定中药材中多种农药残留", "植物干品", 30),
    ("合金物相分析", "X射线衍射测定钛合金物相组成与残余应力", "块状金属", 8),
    ("饮用水重金属检测", "电感耦合等离子体质谱测定铅、镉、砷等痕量元素", "水样", 40),
    ("复合材料拉伸性能测试", "碳纤维复合材料拉伸与弯曲力学性能测试", "标准试样", 20),
    ("蛋白样品分子量测定", "高分辨质谱测定重组蛋白分子量与修饰", "冻干粉", 6),
    ("粉体粒度分布测试", "激光粒度仪测定陶瓷粉体粒径分布", "粉末", 15),
    ("零件内部缺陷检测", "工业CT无损检测铸件内部气孔与裂纹", "铸件", 5),
)


def _officer(unit_id):
    return (
        User.objects.filter(
            role_assignments__organization_id=unit_id,
            role_assignments__role__in=(Role.UNIT_ADMIN, Role.INFORMATION_OFFICER),
            is_active=True,
        )
        .order_by("id")
        .first()
    )


def _quotes(rng, budget):
    return [
        {
            "supplier": s,
            "model": f"型号{n + 1}",
            "amount": (budget * Decimal(rng.uniform(0.9, 1.05))).quantize(Decimal("0.01")),
        }
        for n, s in enumerate(rng.sample(SUPPLIERS, 3))
    ]


def build_purchases(seed: int = 2026) -> dict:
    rng = random.Random(f"{seed}:purchases")
    authority = User.objects.filter(is_superuser=True).order_by("id").first()
    keepers = list(
        RoleAssignment.objects.filter(role=Role.INFORMATION_OFFICER)
        .values_list("organization_id", flat=True)
        .distinct()
        .order_by("organization_id")[: len(STEPS)]
    )
    pool = list(Expert.objects.filter(is_active=True).order_by("id"))
    if authority is None or not keepers or not pool:
        return {}
    admin = access_for(authority)
    cases = load_cases()
    categories = InstrumentCategory.objects.in_bulk([c.category for c in cases])
    done = 0
    for step, unit_id, case in zip(STEPS, keepers, rng.sample(cases, len(STEPS)), strict=False):
        officer = _officer(unit_id)
        if officer is None:
            continue
        budget = Decimal(rng.choice((2_200_000, 2_800_000, 3_600_000, 5_400_000)))
        application = purchases.save_application(
            access_for(officer),
            unit=Organization.objects.get(pk=unit_id),
            values={
                "name": case.name,
                "category": categories[case.category],
                "specifications": case.description,
                "functions": case.description,
                "model_candidates": "、".join(q["model"] for q in _quotes(rng, budget)),
                "budget": budget,
                "funding_source": rng.choice(("central", "local")),
                "discipline": rng.choice(("材料科学", "化学", "生物学", "环境科学", "机械工程")),
                "necessity": "学科建设与重大项目需要，现有设备机时饱和或功能不足。",
                "expected_hours": rng.randint(1200, 2200),
                "expected_users": rng.randint(40, 200),
                "sharing_mode": "external",
                "hours_offered": rng.randint(300, 800),
            },
            quotes=_quotes(rng, budget),
            actor=officer,
        )
        done += 1
        if step == "draft":
            continue
        application = purchases.submit(access_for(officer), application, actor=officer)
        if step == "submitted":
            continue
        reviewers = list(
            experts.eligible_for(application.unit, Expert.objects.filter(pk__in=[e.pk for e in pool]))
        )[:2]
        reviews = [purchases.assign_expert(admin, application, expert=e, actor=authority) for e in reviewers]
        if not reviews:
            continue
        opinion = step if step in Opinion.values else application.draft_opinion
        for n, review in enumerate(reviews):
            if step == "review" and n:
                break
            purchases.submit_review(
                access_for(review.expert.user),
                review,
                values={
                    "relevance": rng.randint(3, 5),
                    "necessity": rng.randint(2, 5),
                    "reasonableness": rng.randint(3, 5),
                    "recommendation": opinion,
                    "reasons": "结合查重证据："
                    + (application.evidence.get("reasons") or [{}])[0].get("code", ""),
                },
                actor=review.expert.user,
            )
        if step in Opinion.values:
            purchases.decide(
                admin,
                application,
                opinion=step,
                text="经专家评议，综合查重证据出具意见。",
                conditions="每年对外开放不少于 600 机时，纳入省级共享平台统一预约。"
                if step == Opinion.CONDITIONAL
                else "",
                actor=authority,
            )
    return {"purchase_applications": done, "needs": _needs(rng)}


def _needs(rng) -> int:
    posters = list(
        User.objects.filter(role_assignments__role=Role.EXTERNAL_USER, is_active=True)
        .distinct()
        .order_by("id")[:20]
    )
    if not posters:
        return 0
    region = Deployment.current().home_region
    posted, met = 0, False
    for n, (title, description, sample, quantity) in enumerate(NEEDS):
        poster = posters[n % len(posters)]
        need = demands.post_need(
            access_for(poster),
            values={
                "title": title,
                "description": description,
                "sample_type": sample,
                "quantity": quantity,
                "deadline": timezone.localdate() + dt.timedelta(days=rng.randint(10, 60)),
                "budget": Decimal(rng.choice((2000, 5000, 8000, 15000))),
                "region": region,
            },
            actor=poster,
        )
        posted += 1
        for match in need.matches.all()[: rng.randint(0, 3)]:
            staff = _officer(match.unit_id)
            if staff is not None:
                demands.respond(
                    access_for(staff),
                    match,
                    response=rng.choice(("quoted", "quoted", "declined")),
                    quote=Decimal(rng.randint(8, 60) * 100),
                    message="可在两周内完成。",
                    actor=staff,
                )
        if n == len(NEEDS) - 1:
            demands.close(access_for(poster), need, reason="已通过其他渠道解决。", actor=poster)
        elif not met:
            met = _met_by_order(need, poster)
    return posted


# A one-page report for the demo order's results (the results check reads the PDF signature).
REPORT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _met_by_order(need, poster) -> bool:
    """The poster orders from the first matched unit that can take the work; the unit quotes, tests and publishes
    results, the poster accepts them, and the need is met by the order."""
    access = access_for(poster)
    for match in need.matches.select_related("instrument"):
        staff = _unit_admin(match.unit_id)
        if staff is None or demands.order_refusal(access, need, match):
            continue
        if match.response != "quoted":
            demands.respond(access_for(staff), match, response="quoted", quote=Decimal("3600"), actor=staff)
        order = demands.place_order(access, need, match=match, actor=poster)
        order = orders.quote(order, actor=staff, hours=Decimal("3"), comment="约三小时机时。")
        order = orders.confirm(order, actor=poster)
        order = orders.receive_samples(order, actor=staff)
        order = orders.start_testing(order, actor=staff)
        orders.add_results(order, [SimpleUploadedFile("检测报告.pdf", REPORT)], actor=staff)
        now = timezone.now()
        order = orders.publish_results(
            order,
            actor=staff,
            machine_hours=Decimal("2.5"),
            tested_from=now - dt.timedelta(hours=4),
            tested_until=now - dt.timedelta(hours=1),
        )
        orders.accept(order, actor=poster)
        return True
    return False


def _unit_admin(unit_id):
    return (
        User.objects.filter(
            role_assignments__organization_id=unit_id, role_assignments__role=Role.UNIT_ADMIN, is_active=True
        )
        .order_by("id")
        .first()
    )
