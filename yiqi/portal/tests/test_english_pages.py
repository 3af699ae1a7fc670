"""English pages say things in English: amounts in CNY million, the sort menu, the admin's names and title."""

from decimal import Decimal

from django.urls import reverse

from yiqi.registry.models import Instrument, RegistrationStatus
from yiqi.registry.tests.factories import InstrumentFactory

ENGLISH = {"accept-language": "en"}


def test_the_home_page_gives_values_in_cny_million_in_english(world, client):
    Instrument.objects.all().delete()
    InstrumentFactory(
        registration_status=RegistrationStatus.PUBLISHED,
        sharing_mode=Instrument.SharingMode.EXTERNAL,
        original_value=Decimal("3250000.00"),
    )
    english = client.get(reverse("portal:home"), headers=ENGLISH).content.decode()
    assert "3.25" in english and "CNY million" in english and "10k" not in english
    chinese = client.get(reverse("portal:home")).content.decode()
    assert "325.00" in chinese and "开放仪器原值（万元）" in chinese


def test_the_instrument_sort_menu_is_in_the_pages_language(world, client):
    english = client.get(reverse("registry:instrument_list"), headers=ENGLISH).content.decode()
    assert "Value, highest first" in english and "(descending)" not in english
    chinese = client.get(reverse("registry:instrument_list")).content.decode()
    assert "原值从高到低" in chinese and "descending" not in chinese


def test_the_admin_names_its_apps_and_itself_in_both_languages(world, client_for):
    admin = world.users["platform_admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = client_for(admin)
    english = client.get(reverse("admin:index"), headers=ENGLISH).content.decode()
    assert "Instrument Sharing Platform administration" in english
    assert "Instrument registry" in english and "Units and departments" in english
    chinese = client.get(reverse("admin:index")).content.decode()
    assert "仪器开放共享平台管理" in chinese and "仪器登记" in chinese
