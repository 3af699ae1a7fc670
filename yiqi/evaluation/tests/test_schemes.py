"""Schemes are data: the shipped tables add up, a scheme whose points do not is refused, a copy is a new version."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqi.accounts.access import access_for
from yiqi.accounts.models import Role
from yiqi.accounts.tests.factories import user_with_role
from yiqi.evaluation.models import Indicator, Scheme
from yiqi.evaluation.services import defaults, schemes
from yiqi.organizations.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def authority():
    return user_with_role(Role.PLATFORM_ADMIN)


def test_the_shipped_schemes_add_up_and_are_active():
    shaanxi, national = defaults.ensure_defaults()
    assert defaults.ensure_defaults() == []  # once only
    for scheme in (shaanxi, national):
        assert scheme.status == Scheme.Status.ACTIVE
        assert schemes.problems(scheme) == {}
    assert [leaf.points for leaf in schemes.leaves(shaanxi)] == [5, 10, 10, 15, 20, 20, 10, 10]
    assert len(schemes.leaves(national)) == 9
    assert shaanxi.value_threshold == D("200000") and national.value_threshold == D("500000")


def test_copy_makes_a_new_version_to_edit_and_points_must_add_up(authority):
    shaanxi, _national = defaults.ensure_defaults()
    draft = schemes.copy(access_for(authority), shaanxi, actor=authority)
    assert (draft.name, draft.version, draft.status, draft.based_on) == (shaanxi.name, 2, "draft", shaanxi)
    assert draft.indicators.count() == shaanxi.indicators.count()
    copied = draft.indicators.get(code="2.1")
    assert copied.parent.code == "2" and copied.parent.scheme == draft
    Indicator.objects.filter(scheme=draft, code="2.1").update(points=D("25"))
    with pytest.raises(ValidationError) as refused:
        schemes.activate(access_for(authority), draft, actor=authority)
    messages = refused.value.message_dict["points"]
    assert any("2" in m and "45" in m for m in messages)  # the group "2" (40) now holds 25 + 20
    Indicator.objects.filter(scheme=draft, code="2").update(points=D("45"))
    Indicator.objects.filter(scheme=draft, code="1.3").update(points=D("5"))
    Indicator.objects.filter(scheme=draft, code="1").update(points=D("35"))
    assert schemes.activate(access_for(authority), draft, actor=authority).status == "active"
    assert shaanxi.indicators.get(code="2.1").points == D("20")  # the original version is untouched


def test_a_leaf_without_a_known_formula_is_refused(authority):
    shaanxi, _national = defaults.ensure_defaults()
    draft = schemes.copy(access_for(authority), shaanxi, actor=authority, name="试行方案")
    assert draft.version == 1
    Indicator.objects.filter(scheme=draft, code="1.2").update(figure="no_such_formula")
    assert "figure" in schemes.problems(draft)


def test_only_the_authority_edits_schemes():
    shaanxi, _national = defaults.ensure_defaults()
    officer = user_with_role(Role.DEPARTMENT_ADMIN, department=DepartmentFactory())
    with pytest.raises(PermissionDenied):
        schemes.copy(access_for(officer), shaanxi, actor=officer)
