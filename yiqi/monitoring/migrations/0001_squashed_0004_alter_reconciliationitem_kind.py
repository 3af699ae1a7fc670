import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


# From 0002_sample_partitions: On PostgreSQL the raw samples live in one partition per UTC day, so dropping an old day is instant.
PARTITIONED_TABLE = """
DROP TABLE monitoring_sample;
CREATE TABLE monitoring_sample (
    device_id bigint NOT NULL,
    t timestamp with time zone NOT NULL,
    instrument_id bigint NOT NULL,
    state varchar(10) NOT NULL,
    power_w double precision NULL,
    current_a double precision NULL,
    signals jsonb NULL,
    received_at timestamp with time zone NOT NULL,
    PRIMARY KEY (device_id, t)
) PARTITION BY RANGE (t);
CREATE INDEX "monitoring__instrum_fbbe4b_idx" ON monitoring_sample (instrument_id, t);
CREATE TABLE monitoring_sample_default PARTITION OF monitoring_sample DEFAULT;
"""

DAY_PARTITIONS = """
DO $$
DECLARE d date;
BEGIN
    FOR d IN SELECT generate_series(
        (now() AT TIME ZONE 'UTC')::date - %(past)s, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day'
    )::date LOOP
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %%I PARTITION OF monitoring_sample FOR VALUES FROM (%%L) TO (%%L)',
            'monitoring_sample_p' || to_char(d, 'YYYYMMDD'),
            d::text || ' 00:00:00+00',
            (d + 1)::text || ' 00:00:00+00'
        );
    END LOOP;
END $$;
"""

PLAIN_TABLE = """
DROP TABLE monitoring_sample CASCADE;
CREATE TABLE monitoring_sample (
    device_id bigint NOT NULL,
    t timestamp with time zone NOT NULL,
    instrument_id bigint NOT NULL,
    state varchar(10) NOT NULL,
    power_w double precision NULL,
    current_a double precision NULL,
    signals jsonb NULL,
    received_at timestamp with time zone NOT NULL,
    PRIMARY KEY (device_id, t)
);
CREATE INDEX "monitoring__instrum_fbbe4b_idx" ON monitoring_sample (instrument_id, t);
"""


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # In this squashed migration the sample table was created in the same schema editor, which keeps its index for
    # the end: the table is replaced here, with its index.
    schema_editor.deferred_sql = [
        sql
        for sql in schema_editor.deferred_sql
        if not (hasattr(sql, "references_table") and sql.references_table("monitoring_sample"))
    ]
    past = int(getattr(settings, "YIQI_TELEMETRY_RETENTION_DAYS", 90)) + 1
    with schema_editor.connection.cursor() as cursor:  # raw: the DO block's format() uses % itself
        cursor.execute(PARTITIONED_TABLE)
        cursor.execute(DAY_PARTITIONS % {"past": past})


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PLAIN_TABLE)


class Migration(migrations.Migration):

    replaces = [('monitoring', '0001_initial'), ('monitoring', '0002_sample_partitions'), ('monitoring', '0003_device_offline_alert'), ('monitoring', '0004_alter_reconciliationitem_kind')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('booking', '0007_merge_audit_and_dates'),
        ('organizations', '0003_plain_names'),
        ('registry', '0008_merge_attachments_and_validators'),
        ('usage', '0007_usagerecord_verified_hours'),
    ]

    operations = [
        migrations.CreateModel(
            name='DailyHours',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='日期')),
                ('running_seconds', models.PositiveIntegerField(default=0)),
                ('standby_seconds', models.PositiveIntegerField(default=0)),
                ('covered_seconds', models.PositiveIntegerField(default=0)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='daily_hours', to='registry.instrument')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization')),
            ],
            options={
                'ordering': ['instrument', 'day'],
                'indexes': [models.Index(fields=['unit', 'day'], name='monitoring__unit_id_dcc76a_idx'), models.Index(fields=['day'], name='monitoring__day_03d618_idx')],
                'constraints': [models.UniqueConstraint(fields=('instrument', 'day'), name='monitoring_daily_hours_unique'), models.CheckConstraint(condition=models.Q(('covered_seconds__lte', 86400), ('covered_seconds__gte', django.db.models.expressions.CombinedExpression(models.F('running_seconds'), '+', models.F('standby_seconds')))), name='monitoring_daily_hours_within_day')],
            },
        ),
        migrations.CreateModel(
            name='Device',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uid', models.CharField(max_length=64, unique=True, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_-]{3,64}$', '设备编号只能由3至64位字母、数字、下划线或连字符组成。')], verbose_name='设备编号')),
                ('kind', models.CharField(choices=[('gateway', '网关'), ('power', '功率传感器'), ('current', '电流传感器'), ('pc_agent', '计算机登录代理')], max_length=20, verbose_name='设备类型')),
                ('name', models.CharField(blank=True, max_length=100, verbose_name='名称')),
                ('secret_digest', models.CharField(editable=False, max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('rotated_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='密钥更换时间')),
                ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='停用时间')),
                ('last_seen', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='最后上报')),
                ('dirty_from', models.DateTimeField(blank=True, editable=False, null=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='monitoring_devices', to='registry.instrument', verbose_name='仪器')),
                ('unit', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='monitoring_devices', to='organizations.organization')),
                ('offline_alerted_at', models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                'verbose_name': '监测设备',
                'verbose_name_plural': '监测设备',
                'ordering': ['uid'],
                'indexes': [models.Index(fields=['unit', 'uid'], name='monitoring__unit_id_420bab_idx'), models.Index(condition=models.Q(('dirty_from__isnull', False)), fields=['dirty_from'], name='monitoring_device_dirty_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('uid__regex', '^[A-Za-z0-9_-]{3,64}$')), name='monitoring_device_uid_format')],
            },
        ),
        migrations.CreateModel(
            name='InstrumentMonitor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(blank=True, choices=[('off', '关机'), ('standby', '待机'), ('running', '运行')], max_length=10)),
                ('since', models.DateTimeField(null=True)),
                ('candidate', models.CharField(blank=True, choices=[('off', '关机'), ('standby', '待机'), ('running', '运行')], max_length=10)),
                ('candidate_since', models.DateTimeField(null=True)),
                ('last_sample_at', models.DateTimeField(null=True)),
                ('rolled_up_at', models.DateTimeField(null=True)),
                ('idle_alerted_at', models.DateTimeField(null=True)),
                ('instrument', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='monitor', to='registry.instrument')),
            ],
            options={
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='MonitoringProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('signal', models.CharField(choices=[('power_w', '功率（W）'), ('current_a', '电流（A）')], default='power_w', max_length=10, verbose_name='判定信号')),
                ('standby_baseline', models.FloatField(default=0, validators=[django.core.validators.MinValueValidator(0)], verbose_name='待机基线')),
                ('on_threshold', models.FloatField(default=5, validators=[django.core.validators.MinValueValidator(0)], verbose_name='开机阈值')),
                ('running_enter', models.FloatField(default=100, validators=[django.core.validators.MinValueValidator(0)], verbose_name='运行进入阈值')),
                ('running_exit', models.FloatField(default=60, validators=[django.core.validators.MinValueValidator(0)], verbose_name='运行退出阈值')),
                ('min_dwell_seconds', models.PositiveIntegerField(default=60, verbose_name='最短驻留（秒）')),
                ('sample_period_seconds', models.PositiveIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1)], verbose_name='采样周期（秒）')),
                ('gap_seconds', models.PositiveIntegerField(default=300, validators=[django.core.validators.MinValueValidator(1)], verbose_name='断线判定（秒）')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('instrument', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='monitoring_profile', to='registry.instrument')),
            ],
            options={
                'verbose_name': '监测参数',
                'verbose_name_plural': '监测参数',
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('running_exit__lte', models.F('running_enter'))), name='monitoring_profile_hysteresis')],
            },
        ),
        migrations.CreateModel(
            name='ReconciliationItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('suspect_record', '可疑记录'), ('unrecorded_use', '未登记使用'), ('booking_not_run', '预约未运行'), ('overrun', '超出预约时段运行'), ('long_idle', '长期闲置'), ('unbooked_session', '无预约开机')], max_length=20, verbose_name='类型')),
                ('status', models.CharField(choices=[('open', '待说明'), ('explained', '已说明'), ('accepted', '说明已认可'), ('confirmed', '已确认')], default='open', max_length=20, verbose_name='状态')),
                ('started_at', models.DateTimeField(verbose_name='开始时间')),
                ('ended_at', models.DateTimeField(verbose_name='结束时间')),
                ('telemetry_hours', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=8, verbose_name='监测机时')),
                ('recorded_hours', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=8, verbose_name='登记机时')),
                ('reason', models.CharField(blank=True, choices=[('repair', '维修'), ('calibration', '校准'), ('maintenance', '维护保养'), ('other', '其他')], max_length=20, verbose_name='原因')),
                ('explanation', models.TextField(blank=True, max_length=1000, verbose_name='说明')),
                ('explained_at', models.DateTimeField(blank=True, null=True)),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('found_at', models.DateTimeField(auto_now_add=True)),
                ('booking', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reconciliation_items', to='booking.booking')),
                ('explained_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reconciliation_items', to='registry.instrument')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                ('usage_record', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reconciliation_items', to='usage.usagerecord')),
            ],
            options={
                'verbose_name': '核对事项',
                'verbose_name_plural': '核对事项',
                'ordering': ['-started_at', '-id'],
                'indexes': [models.Index(fields=['unit', 'status', 'started_at'], name='monitoring__unit_id_d3be1e_idx'), models.Index(fields=['status', 'started_at'], name='monitoring__status_35f6cd_idx')],
                'constraints': [models.UniqueConstraint(fields=('instrument', 'kind', 'started_at'), name='monitoring_item_unique'), models.CheckConstraint(condition=models.Q(('ended_at__gte', models.F('started_at'))), name='monitoring_item_ends_after_start'), models.CheckConstraint(condition=models.Q(('status__in', ['open', 'confirmed']), models.Q(('reason', ''), _negated=True), _connector='OR'), name='monitoring_item_explained_has_reason')],
            },
        ),
        migrations.CreateModel(
            name='RejectedSampleCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('reason', models.CharField(choices=[('unknown_device', '未知设备'), ('revoked_device', '设备已停用'), ('wrong_secret', '密钥错误'), ('malformed', '格式错误'), ('too_large', '数据过大'), ('future', '时间超前'), ('too_old', '时间过早'), ('not_finite', '非有限数值'), ('missing_fields', '缺少字段'), ('rate_limited', '超出频率限制')], max_length=20)),
                ('device_uid', models.CharField(blank=True, max_length=64)),
                ('count', models.PositiveBigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'reason', 'device_uid'), name='monitoring_rejections_unique')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='StateInterval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('off', '关机'), ('standby', '待机'), ('running', '运行')], max_length=10, verbose_name='状态')),
                ('start', models.DateTimeField(verbose_name='开始')),
                ('end', models.DateTimeField(verbose_name='结束')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('superseded_at', models.DateTimeField(blank=True, null=True)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='state_intervals', to='registry.instrument')),
            ],
            options={
                'ordering': ['instrument', 'start'],
                'indexes': [models.Index(condition=models.Q(('superseded_at__isnull', True)), fields=['instrument', 'start'], name='monitoring_interval_current'), models.Index(condition=models.Q(('superseded_at__isnull', True)), fields=['instrument', 'end'], name='monitoring_interval_end')],
                'constraints': [models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='monitoring_interval_ends_after_start')],
            },
        ),
        migrations.CreateModel(
            name='Sample',
            fields=[
                ('pk', models.CompositePrimaryKey('device_id', 't', blank=True, editable=False, primary_key=True, serialize=False)),
                ('t', models.DateTimeField()),
                ('state', models.CharField(blank=True, choices=[('off', '关机'), ('standby', '待机'), ('running', '运行')], max_length=10)),
                ('power_w', models.FloatField(null=True)),
                ('current_a', models.FloatField(null=True)),
                ('signals', models.JSONField(null=True)),
                ('received_at', models.DateTimeField()),
                ('device', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='monitoring.device')),
                ('instrument', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.instrument')),
            ],
            options={
                'indexes': [models.Index(fields=['instrument', 't'], name='monitoring__instrum_fbbe4b_idx')],
                'constraints': [],
            },
        ),
        migrations.RunPython(
            code=partition,
            reverse_code=unpartition,
        ),
    ]
