"""Co-funding between levels and the finance office's figures: a county programme's payouts are shared with the
province programme above it, and the page, the API and the Excel export show the same numbers on both levels."""

import dataclasses
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yiqi.vouchers.models import Programme
from yiqi.vouchers.services import reports

from .helpers import (
    build_scene,
    company_with_user,
    grant,
    make_programme,
    paid_out,
    register_provider,
    served_and_paid,
)

pytestmark = pytest.mark.django_db


def county_scene(province, share: str, name: str):
    """A county programme co-funded by ``province``'s programme, the same company and provider taking part."""
    county = make_programme(
        province.authority_dept,
        name=name,
        level=Programme.Level.COUNTY,
        parent=province.programme,
        parent_share=Decimal(share),
    )
    provider = register_provider(county, province.unit, province.unit_admin, province.authority)
    account = grant(county, province.company, province.company_user, province.authority, "5000.00")
    return dataclasses.replace(province, programme=county, provider=provider, account=account)


def workbook_of(client, programme):
    content = client.get(reverse("vouchers:programme_export", args=[programme.pk])).content
    return load_workbook(io.BytesIO(content))


def summary_of(workbook) -> dict:
    return {row[0]: row[1] for row in workbook["汇总"].iter_rows(min_row=2, values_only=True)}


def test_each_level_pays_its_share_of_a_co_funded_payout(client_for):
    province = build_scene()
    county = county_scene(province, "0.3", "高新区创新券")
    other = county_scene(province, "0.5", "长安区创新券")
    paid_out(county, "666.66")  # 30 % of 666.66 is 199.998: the province pays 200.00
    paid_out(other, "100.01")  # 50 % of 100.01 is 50.005: 50.01
    paid_out(province, "300.00")  # the province's own programme

    report = reports.programme_report(county.programme)
    assert (report["paid_by_parent"], report["paid_by_programme"]) == (Decimal("200.00"), Decimal("466.66"))
    upper = reports.programme_report(province.programme)
    assert [(row["programme"], row["co_funded"]) for row in upper["co_funding"]] == [
        ("长安区创新券", Decimal("50.01")),
        ("高新区创新券", Decimal("200.00")),
    ]
    assert upper["co_funding_total"] == Decimal("250.01")
    assert upper["paid_by_programme"] == Decimal("300.00")  # the province's own payouts are not shared upward

    client = client_for(province.authority)
    for scene, figures in (
        (county, {"paid_by_parent": "200.00", "paid_by_programme": "466.66", "co_funding_total": "0.00"}),
        (province, {"paid_by_parent": "0.00", "paid_by_programme": "300.00", "co_funding_total": "250.01"}),
    ):
        api = client.get(reverse("api-voucher-programme-report", args=[scene.programme.pk])).json()
        page = client.get(reverse("vouchers:programme", args=[scene.programme.pk])).content.decode()
        summary = summary_of(workbook_of(client, scene.programme))
        for key, value in figures.items():
            assert api[key] == value, key
            assert f'data-total="{key}">{Decimal(value):,.2f}<' in page, key
        assert Decimal(str(summary["上级配套拨付"])) == Decimal(figures["paid_by_parent"])
        assert Decimal(str(summary["本级拨付"])) == Decimal(figures["paid_by_programme"])
        assert Decimal(str(summary["对下级计划配套"])) == Decimal(figures["co_funding_total"])
    assert [row["co_funded"] for row in api["co_funding"]] == ["50.01", "200.00"]
    assert "高新区创新券" in page


def test_the_finance_export_reconciles_row_by_row_with_the_api(client_for):
    scene = build_scene()
    paid_out(scene, "300.00")
    company, user = company_with_user("渭南某某新材料有限公司")
    account = grant(scene, company, user, scene.authority, "2000.00")
    second = dataclasses.replace(scene, company=company, company_user=user, account=account)
    served_and_paid(second, "150.00")  # spent, not claimed

    client = client_for(scene.authority)
    api = client.get(reverse("api-voucher-programme-report", args=[scene.programme.pk])).json()
    workbook = workbook_of(client, scene.programme)
    page = client.get(reverse("vouchers:programme", args=[scene.programme.pk])).content.decode()
    labels = reports.column_labels()
    for sheet, key, name, columns in (
        ("企业", "companies", "company", reports.COLUMNS),
        ("服务机构", "providers", "provider", reports.PROVIDER_COLUMNS),
    ):
        rows = list(workbook[sheet].iter_rows(values_only=True))
        header, body, total = rows[0], rows[1:-1], rows[-1]
        assert list(header[1:]) == [labels[c] for c in columns]
        assert [[row[0], *(Decimal(str(v)).quantize(Decimal("0.01")) for v in row[1:])] for row in body] == [
            [entry[name], *(Decimal(entry[c]) for c in columns)] for entry in api[key]
        ]
        # Every total row is the programme's figure on the page and in the API.
        for index, column in enumerate(columns, start=1):
            assert Decimal(str(total[index])) == Decimal(api["totals"][column]), (sheet, column)
            assert f'data-total="{column}">{Decimal(api["totals"][column]):,.2f}<' in page
    assert Decimal(api["totals"]["spent_total"]) == Decimal("450.00")
    assert Decimal(api["totals"]["paid"]) == Decimal("300.00")
    assert Decimal(api["totals"]["granted"]) == Decimal("7000.00")
