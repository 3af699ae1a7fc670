"""Load the shipped synonym dictionary (data/synonyms.txt) into the table the platform authority edits."""

from django.db import migrations


def load(apps, schema_editor):
    from yiqi.catalog.synonyms import shipped_entries

    Synonym = apps.get_model("catalog", "Synonym")
    if Synonym.objects.exists():
        return
    Synonym.objects.bulk_create(
        [Synonym(words=e.words, expands_to=e.expands_to, enabled=True) for e in shipped_entries()]
    )


def unload(apps, schema_editor):
    apps.get_model("catalog", "Synonym").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load, unload, elidable=True)]
