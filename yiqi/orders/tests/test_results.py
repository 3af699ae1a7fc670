"""Results files: only real files of the accepted types and sizes are kept, and nothing is half-saved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yiqi.core.models import AuditEvent
from yiqi.orders import services
from yiqi.orders.models import OrderResult

from .conftest import EXE, PDF, PNG, advance, office_file, upload


@pytest.fixture
def testing(world, order):
    return advance(world, order, "testing")


def stored_files(settings) -> list:
    root = settings.PRIVATE_MEDIA_ROOT / "order-results"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


GENUINE = [
    ("报告.pdf", PDF),
    ("谱图.png", PNG),
    ("照片.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
    ("显微.tif", b"II*\x00" + b"\x00" * 20),
    ("数据.xlsx", office_file("xl/")),
    ("报告.docx", office_file("word/")),
    ("原始数据.zip", office_file("raw/")),
    ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20),
    ("数据.csv", "样品,硬度\n1,320\n".encode()),
    ("说明.txt", "检测说明：GB 编码".encode("gb18030")),
]


@pytest.mark.parametrize(("name", "content"), GENUINE)
def test_every_accepted_type_is_kept_under_its_original_name(world, testing, settings, name, content):
    [result] = services.add_results(testing, [upload(name, content)], actor=world.users["manager_a"])
    assert result.original_name == name and result.size == len(content)
    assert result.file.read() == content
    assert not result.file.name.endswith(name)  # stored under a random name, outside media


REFUSED = [
    ("setup.exe", EXE, "类型不被接受"),
    ("脚本.sh", b"#!/bin/sh\n", "类型不被接受"),
    ("没有扩展名", PDF, "类型不被接受"),
    ("报告.pdf", EXE, "不符"),  # a program renamed .pdf
    ("谱图.png", PDF, "不符"),
    ("数据.xlsx", office_file("word/"), "不符"),  # a Word file renamed .xlsx
    ("数据.xlsx", b"PK\x03\x04 not really a zip", "不符"),
    ("数据.csv", PNG, "不符"),  # binary renamed .csv
    ("说明.txt", b"\xff\xfe\x00\x00binary", "不符"),
    ("空.pdf", b"", "空文件"),
]


@pytest.mark.parametrize(("name", "content", "reason"), REFUSED)
def test_wrong_or_disguised_types_are_refused_and_nothing_is_saved(
    world, testing, settings, name, content, reason
):
    good = upload("报告.pdf", PDF)
    with pytest.raises(ValidationError) as refused:
        services.add_results(testing, [good, upload(name, content)], actor=world.users["manager_a"])
    [message] = refused.value.message_dict["files"]
    assert reason in message
    assert not OrderResult.objects.exists() and stored_files(settings) == []


def test_a_file_over_the_limit_is_refused(world, testing, settings):
    settings.YIQI_RESULT_MAX_BYTES = 1024
    big = upload("报告.pdf", PDF + b"0" * 1024)
    with pytest.raises(ValidationError) as refused:
        services.add_results(testing, [big], actor=world.users["manager_a"])
    assert "过大" in refused.value.messages[0] and "上限 1.0\xa0KB" in refused.value.messages[0]
    assert not OrderResult.objects.exists() and stored_files(settings) == []


def test_the_upload_form_shows_the_error_on_the_field(world, testing, client_for, settings):
    response = client_for(world.users["manager_a"]).post(
        reverse("orders:upload_results", args=[testing.pk]),
        {"files": [upload("报告.pdf", PDF), upload("报告2.pdf", EXE)]},
    )
    assert response.status_code == 200
    assert "报告2.pdf" in response.context["upload_form"].errors["files"][0]
    assert 'class="invalid-feedback d-block"' in response.content.decode()
    assert not OrderResult.objects.exists() and stored_files(settings) == []


def test_several_files_at_once_from_the_page(world, testing, client_for):
    response = client_for(world.users["manager_a"]).post(
        reverse("orders:upload_results", args=[testing.pk]),
        {"files": [upload("a.pdf", PDF), upload("b.png", PNG)]},
    )
    assert response.status_code == 302
    assert sorted(OrderResult.objects.values_list("original_name", flat=True)) == ["a.pdf", "b.png"]
    assert (
        AuditEvent.objects.for_object(testing)
        .filter(action="add_results", comment__contains="a.pdf")
        .exists()
    )


def test_results_are_uploaded_only_while_testing_and_by_those_serving(world, order):
    manager = world.users["manager_a"]
    with pytest.raises(ValidationError):
        services.add_results(order, [upload("a.pdf", PDF)], actor=manager)
    order = advance(world, order, "testing")
    for outsider in ("technician_a", "external_user", "officer_a", "platform_admin"):
        with pytest.raises(PermissionDenied):
            services.add_results(order, [upload("a.pdf", PDF)], actor=world.users[outsider])
    with pytest.raises(ValidationError):
        services.add_results(order, [], actor=manager)
    assert not OrderResult.objects.exists()


def test_a_file_uploaded_by_mistake_can_be_removed_before_publishing(world, testing, settings):
    manager = world.users["manager_a"]
    [result] = services.add_results(testing, [upload("错的.pdf", PDF)], actor=manager)
    services.remove_result(result, actor=manager)
    assert not OrderResult.objects.exists() and stored_files(settings) == []


def test_the_user_cannot_download_results_before_they_are_published(world, testing, client_for):
    [result] = services.add_results(testing, [upload("a.pdf", PDF)], actor=world.users["manager_a"])
    client = client_for(world.users["external_user"])
    assert client.get(reverse("orders:download_result", args=[testing.pk, result.pk])).status_code == 403
    page = client.get(reverse("orders:detail", args=[testing.pk])).content.decode()
    assert reverse("orders:download_result", args=[testing.pk, result.pk]) not in page


def test_a_path_in_the_uploaded_name_is_dropped(world, testing):
    [result] = services.add_results(
        testing, [upload("C:\\Users\\张\\报告.pdf", PDF)], actor=world.users["manager_a"]
    )
    assert result.original_name == "报告.pdf"
