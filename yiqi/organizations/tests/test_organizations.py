import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from yiqi.organizations.models import Organization, Region
from yiqi.organizations.tests.factories import OrganizationFactory, RegionFactory, make_credit_code
from yiqi.organizations.validators import validate_credit_code


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y43", "12100000400000624D", "91110000600037341L", make_credit_code(42)],
)
def test_real_credit_codes_pass(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())


@pytest.mark.parametrize(
    ("code", "chinese", "english"),
    [
        ("91350100M000100Y44", "校验位", "check character"),
        ("91350100M000100Y4", "18 位", "18 characters"),
        ("91350100M000100YO3", "字符", "Invalid characters"),
        ("91ABCDEFM000100Y43", "行政区划", "region code"),
    ],
)
def test_bad_credit_codes_say_what_is_wrong_in_the_readers_language_only(code, chinese, english):
    for language, fragment in (("zh-hans", chinese), ("en", english)):
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                validate_credit_code(code)
            message = error.value.messages[0]
        assert fragment in message
        # One language per message: no English sentence on a Chinese page, no Chinese on an English one.
        assert (re.search(r"[A-Za-z]{4,} [A-Za-z]{2,}", message) is None) == (language == "zh-hans")
        assert (re.search(r"[\u4e00-\u9fff]", message) is None) == (language == "en")


def test_region_level_follows_its_code(db):
    county = RegionFactory(code="610113", name="雁塔区")
    assert county.level == Region.Level.COUNTY
    assert county.parent.level == Region.Level.CITY
    assert county.parent.parent.level == Region.Level.PROVINCE
    wrong = Region(code="610114", name="阎良区", parent=Region.objects.get(code="610000"))
    with pytest.raises(ValidationError):
        wrong.full_clean()


def test_management_unit_must_have_a_department_in_the_database(db):
    with pytest.raises(IntegrityError):
        OrganizationFactory(is_management_unit=True, supervising_department=None)


def test_credit_code_is_unique_but_may_be_blank_for_many(db):
    OrganizationFactory(credit_code="", kind=Organization.Kind.RESEARCH_INSTITUTE)
    OrganizationFactory(credit_code="", kind=Organization.Kind.RESEARCH_INSTITUTE)
    OrganizationFactory(credit_code=make_credit_code(9))
    with pytest.raises(IntegrityError):
        OrganizationFactory(credit_code=make_credit_code(9))


def test_enterprise_needs_a_credit_code(db):
    org = Organization(
        name="某公司", kind=Organization.Kind.ENTERPRISE, region=RegionFactory(), credit_code=""
    )
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "credit_code" in error.value.message_dict
