from django.db import migrations


def load(apps, schema_editor):
    from yiqi.registry.categories import sync_categories

    sync_categories(apps.get_model("registry", "InstrumentCategory"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
