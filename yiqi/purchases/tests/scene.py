"""Unit A's purchase applications for the route walks (read_routes, the access matrix): a draft, and one taken
through evidence, an expert's review and the authority's decision."""

from types import SimpleNamespace

from yiqi.accounts.access import access_for
from yiqi.experts.tests.factories import ExpertFactory
from yiqi.purchases import services

from .factories import file_application


def purchase_scene(*, unit, officer, authority) -> SimpleNamespace:
    draft = file_application(unit, officer, name="拟购X射线衍射仪")
    decided = services.submit(access_for(officer), file_application(unit, officer), actor=officer)
    expert = ExpertFactory(name="评议专家甲")
    review = services.assign_expert(access_for(authority), decided, expert=expert, actor=authority)
    values = {
        "relevance": 5,
        "necessity": 4,
        "reasonableness": 4,
        "recommendation": "recommend",
        "reasons": "需求充分。",
    }
    services.submit_review(access_for(expert.user), review, values=values, actor=expert.user)
    decided = services.decide(
        access_for(authority), decided, opinion="recommend", text="同意购置。", actor=authority
    )
    return SimpleNamespace(draft=draft, decided=decided)
