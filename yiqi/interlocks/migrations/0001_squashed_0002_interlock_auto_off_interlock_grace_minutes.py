import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('interlocks', '0001_initial'), ('interlocks', '0002_interlock_auto_off_interlock_grace_minutes')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('booking', '0007_merge_audit_and_dates'),
        ('monitoring', '0002_sample_partitions'),
        ('organizations', '0003_plain_names'),
        ('registry', '0008_merge_attachments_and_validators'),
    ]

    operations = [
        migrations.CreateModel(
            name='Interlock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('driver', models.CharField(choices=[('mqtt', 'MQTT 指令'), ('modbus', 'Modbus-TCP 继电器')], default='mqtt', max_length=10, verbose_name='驱动')),
                ('modbus_host', models.CharField(blank=True, max_length=255, verbose_name='继电器地址')),
                ('modbus_port', models.PositiveIntegerField(default=502, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(65535)], verbose_name='继电器端口')),
                ('modbus_device_id', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MaxValueValidator(247)], verbose_name='Modbus 从站号')),
                ('modbus_coil', models.PositiveIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(65535)], verbose_name='线圈地址')),
                ('state', models.CharField(choices=[('locked', '已锁定'), ('unlocked', '已开放'), ('unknown', '未知')], default='unknown', max_length=10, verbose_name='状态')),
                ('enabled_until', models.DateTimeField(blank=True, null=True, verbose_name='开放至')),
                ('allowlist_pushed_at', models.DateTimeField(blank=True, null=True, verbose_name='白名单下发时间')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('booking', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='booking.booking')),
                ('device', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='interlock', to='monitoring.device', verbose_name='监测设备')),
                ('instrument', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='interlocks', to='registry.instrument')),
                ('unit', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='当前使用人')),
                ('auto_off', models.BooleanField(default=True, verbose_name='超时自动关闭')),
                ('grace_minutes', models.PositiveSmallIntegerField(blank=True, help_text='预约开始前可提前开机、预约结束后延迟锁定的分钟数；留空则用平台默认值。', null=True, validators=[django.core.validators.MaxValueValidator(240)], verbose_name='宽限时间（分钟）')),
            ],
            options={
                'verbose_name': '联锁',
                'verbose_name_plural': '联锁',
                'ordering': ['instrument', 'id'],
                'indexes': [models.Index(fields=['state', 'enabled_until'], name='interlocks__state_a4e734_idx'), models.Index(fields=['unit', 'instrument'], name='interlocks__unit_id_e4c93e_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('state', 'unlocked'), _negated=True), ('enabled_until__isnull', False), _connector='OR'), name='interlock_unlocked_has_end'), models.CheckConstraint(condition=models.Q(models.Q(('driver', 'modbus'), _negated=True), models.Q(('modbus_host', ''), _negated=True), _connector='OR'), name='interlock_modbus_has_host')],
            },
        ),
        migrations.CreateModel(
            name='InterlockCommand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('lock', '锁定'), ('unlock', '开放'), ('status', '查询状态'), ('allowlist', '下发白名单')], max_length=10, verbose_name='指令')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='原因')),
                ('sent_at', models.DateTimeField(verbose_name='发送时间')),
                ('latency_ms', models.PositiveIntegerField(blank=True, null=True, verbose_name='响应耗时（毫秒）')),
                ('ok', models.BooleanField(default=False, verbose_name='成功')),
                ('state', models.CharField(blank=True, choices=[('locked', '已锁定'), ('unlocked', '已开放'), ('unknown', '未知')], max_length=10, verbose_name='设备状态')),
                ('error', models.CharField(blank=True, max_length=300, verbose_name='错误')),
                ('command_id', models.CharField(blank=True, max_length=36)),
                ('booking', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='booking.booking')),
                ('for_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('interlock', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commands', to='interlocks.interlock')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
            ],
            options={
                'verbose_name': '联锁指令',
                'verbose_name_plural': '联锁指令',
                'ordering': ['-sent_at', '-id'],
                'indexes': [models.Index(fields=['interlock', '-sent_at'], name='interlocks__interlo_3f6439_idx')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='InterlockSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_override', models.BooleanField(default=False, verbose_name='人工放行')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='放行原因')),
                ('started_at', models.DateTimeField(verbose_name='开始')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='结束')),
                ('end_cause', models.CharField(blank=True, choices=[('released', '用户结束'), ('auto_off', '超时自动关闭'), ('staff', '工作人员关闭'), ('revoked', '预约取消')], max_length=10, verbose_name='结束方式')),
                ('booking', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='interlock_sessions', to='booking.booking')),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.instrument')),
                ('interlock', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='interlocks.interlock')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='使用人')),
            ],
            options={
                'verbose_name': '联锁使用时段',
                'verbose_name_plural': '联锁使用时段',
                'ordering': ['-started_at', '-id'],
                'indexes': [models.Index(fields=['instrument', 'started_at'], name='interlocks__instrum_628507_idx'), models.Index(fields=['unit', 'started_at'], name='interlocks__unit_id_fd29c9_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('ended_at__isnull', True)), fields=('interlock',), name='interlock_one_open_session'), models.CheckConstraint(condition=models.Q(('ended_at__isnull', True), ('ended_at__gte', models.F('started_at')), _connector='OR'), name='interlock_session_ends_after_start')],
            },
        ),
    ]
