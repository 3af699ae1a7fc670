"""Each unit's usage per day and per month, kept by triggers on the usage records (``yiqi.usage.stored_totals``)."""

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models

from yiqi.usage import stored_totals


def install(apps, schema_editor):
    stored_totals.install(schema_editor)


def uninstall(apps, schema_editor):
    stored_totals.uninstall(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0001_squashed_0004_booking_credit_policy'),
        ('usage', '0001_squashed_0009_usage_totals_covering_verified'),
    ]

    operations = [
        migrations.CreateModel(
            name='UsageTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('span', models.CharField(choices=[('day', '日'), ('month', '月')], max_length=5)),
                ('start', models.DateField()),
                ('machine_hours', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14)),
                ('external_hours', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14)),
                ('checked_records', models.IntegerField(default=0)),
                ('checked_hours', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14)),
                ('verified_hours', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14)),
                ('verified_external_hours', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization')),
            ],
            options={
                'verbose_name': '单位使用合计',
                'verbose_name_plural': '单位使用合计',
                'constraints': [models.UniqueConstraint(fields=('span', 'start', 'unit'), name='usage_total_unique')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
