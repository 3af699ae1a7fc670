import django.core.validators
import django.db.models.deletion
import yiqi.core.storage
import yiqi.core.validators
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('usage', '0001_initial'), ('usage', '0002_totals_index_and_events'), ('usage', '0003_service_record'), ('usage', '0004_link_service_records'), ('usage', '0005_one_audit_trail'), ('usage', '0006_plain_names_and_past_times'), ('usage', '0007_usagerecord_verified_hours'), ('usage', '0008_usagerecord_measured'), ('usage', '0009_usage_totals_covering_verified')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('booking', '0004_fill_service_records'),
        ('orders', '0004_fill_service_records'),
        ('organizations', '0004_booking_credit_policy'),
        ('registry', '0009_exchange_fields'),
        ('servicerecords', '0002_resource_supply_without_instrument'),
    ]

    operations = [
        migrations.CreateModel(
            name='UsageRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('booking', '预约上机'), ('order', '委托测试'), ('manual', '线下登记')], max_length=20, verbose_name='来源')),
                ('user_name', models.CharField(blank=True, max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='使用人')),
                ('is_external', models.BooleanField(default=False, verbose_name='对外服务')),
                ('purpose', models.CharField(choices=[('research', '科研'), ('teaching', '教学'), ('service', '对外服务'), ('other', '其他')], max_length=20, verbose_name='用途')),
                ('started_at', models.DateTimeField(validators=[yiqi.core.validators.DateRangeValidator(past=True)], verbose_name='开始时间')),
                ('ended_at', models.DateTimeField(validators=[yiqi.core.validators.DateRangeValidator(past=True)], verbose_name='结束时间')),
                ('machine_hours', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('10000'))], verbose_name='有效机时（小时）')),
                ('sample_count', models.PositiveIntegerField(default=0, verbose_name='样品数')),
                ('service_content', models.CharField(blank=True, max_length=300, verbose_name='服务内容')),
                ('fee', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='收费（元）')),
                ('evidence', models.FileField(blank=True, max_length=300, storage=yiqi.core.storage.private_storage, upload_to='usage-evidence/%Y/%m/', verbose_name='佐证材料')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='usage_records', to='registry.instrument')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='usage_records', to='organizations.organization')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='usage_records', to=settings.AUTH_USER_MODEL)),
                ('user_organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='使用人单位')),
                ('record', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='usage_record', to='servicerecords.servicerecord')),
                ('verified_hours', models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=8, null=True, verbose_name='监测核验机时（小时）')),
                ('measured', models.BooleanField(default=False, editable=False, verbose_name='联锁实测')),
            ],
            options={
                'verbose_name': '使用记录',
                'verbose_name_plural': '使用记录',
                'ordering': ['-started_at', '-id'],
                'indexes': [models.Index(fields=['instrument', 'started_at'], name='usage_usage_instrum_f4a067_idx'), models.Index(fields=['started_at'], name='usage_usage_started_712c94_idx'), models.Index(fields=['unit', 'started_at', 'instrument', 'is_external', 'machine_hours', 'sample_count', 'fee', 'verified_hours'], name='usage_totals_covering_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('ended_at__gt', models.F('started_at'))), name='usage_ends_after_start', violation_error_message='结束时间必须晚于开始时间。'), models.CheckConstraint(condition=models.Q(('fee__gte', 0), ('machine_hours__gte', 0)), name='usage_amounts_not_negative'), models.CheckConstraint(condition=models.Q(models.Q(('record__isnull', False), ('source__in', ['booking', 'order'])), models.Q(('record__isnull', True), ('source', 'manual')), _connector='OR'), name='usage_source_matches_link')],
            },
        ),
    ]
