from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_unit_systems")]

    operations = [
        migrations.RenameModel("FakeReceivedRecord", "ReceivedRecord"),
        migrations.AlterModelOptions(
            name="receivedrecord",
            options={"verbose_name": "收到的下级记录", "verbose_name_plural": "收到的下级记录"},
        ),
        migrations.AddField(
            model_name="receivedrecord",
            name="owner",
            field=models.CharField(
                choices=[("sender", "上报方（下级平台）"), ("receiver", "本平台")],
                default="sender",
                max_length=10,
                verbose_name="归属",
            ),
        ),
        migrations.AddField(
            model_name="receivedrecord",
            name="correction",
            field=models.CharField(blank=True, max_length=480, verbose_name="待下级改正的问题"),
        ),
    ]
