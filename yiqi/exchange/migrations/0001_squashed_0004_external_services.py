import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('exchange', '0001_initial'), ('exchange', '0002_unit_systems'), ('exchange', '0003_received_records'), ('exchange', '0004_external_services')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('organizations', '0004_booking_credit_policy'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExternalId',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('usage', '使用记录'), ('service', '服务记录'), ('user', '单位系统用户')], max_length=20)),
                ('external_id', models.CharField(max_length=64)),
                ('object_id', models.PositiveBigIntegerField()),
                ('digest', models.CharField(max_length=64)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('unit', 'kind', 'external_id'), name='external_id_one_per_unit'), models.UniqueConstraint(fields=('kind', 'object_id'), name='external_id_one_per_object')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='FakeEndpointMode',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False)),
                ('mode', models.CharField(choices=[('normal', '正常'), ('slow', '缓慢'), ('down', '不可用'), ('200', '返回 200 单位代码错误'), ('201', '返回 201 JSON 格式错误'), ('202', '返回 202 数据校验错误'), ('203', '返回 203 其他错误'), ('301', '返回 301 数据库错误')], default='normal', max_length=10, verbose_name='模式')),
                ('delay_seconds', models.DecimalField(decimal_places=2, default=2, max_digits=5, verbose_name='缓慢模式延迟（秒）')),
            ],
            options={
                'verbose_name': '模拟国家平台',
                'verbose_name_plural': '模拟国家平台',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='ReceivedRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ins_code', models.CharField(max_length=40)),
                ('record_type', models.PositiveSmallIntegerField()),
                ('inner_id', models.CharField(max_length=60)),
                ('payload', models.JSONField()),
                ('received_at', models.DateTimeField(auto_now=True)),
                ('owner', models.CharField(choices=[('sender', '上报方（下级平台）'), ('receiver', '本平台')], default='sender', max_length=10, verbose_name='归属')),
                ('correction', models.CharField(blank=True, max_length=480, verbose_name='待下级改正的问题')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('ins_code', 'record_type', 'inner_id'), name='fake_received_one_per_key')],
                'indexes': [],
                'verbose_name': '收到的下级记录',
                'verbose_name_plural': '收到的下级记录',
            },
        ),
        migrations.CreateModel(
            name='ReportingJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('queued', '排队中'), ('sending', '发送中'), ('waiting', '等待重试'), ('done', '已完成'), ('failed', '发送失败')], default='queued', max_length=20, verbose_name='状态')),
                ('endpoint', models.CharField(max_length=300, verbose_name='接收端')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='记录数')),
                ('accepted', models.PositiveIntegerField(default=0, verbose_name='已接收')),
                ('returned', models.PositiveIntegerField(default=0, verbose_name='被退回')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='传输重试次数')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='下次重试')),
                ('last_error', models.CharField(blank=True, max_length=500, verbose_name='传输错误')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='管理单位')),
            ],
            options={
                'verbose_name': '上报批次',
                'verbose_name_plural': '上报批次',
                'ordering': ['-created_at', '-id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('accepted__lte', models.F('total')), ('returned__lte', models.F('total'))), name='reporting_job_counts_within_total')],
            },
        ),
        migrations.CreateModel(
            name='UnitCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=40, unique=True, validators=[django.core.validators.RegexValidator('\\A([0-9a-f]{32}|[a-z]+ins[0-9]+)\\Z', '单位代码须为国家平台颁发的 32 位十六进制代码，或省级平台代码（如 gdins00031）。')], verbose_name='国家平台单位代码')),
                ('unit', models.OneToOneField(limit_choices_to={'is_management_unit': True}, on_delete=django.db.models.deletion.CASCADE, related_name='national_code', to='organizations.organization', verbose_name='管理单位')),
            ],
            options={
                'verbose_name': '国家平台单位代码',
                'verbose_name_plural': '国家平台单位代码',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='UnitKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='用途')),
                ('prefix', models.CharField(max_length=12, unique=True)),
                ('secret_digest', models.CharField(max_length=64)),
                ('scopes', models.JSONField(default=list, verbose_name='权限范围')),
                ('expires_at', models.DateTimeField(verbose_name='到期时间')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='停用时间')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='最近推送')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(limit_choices_to={'is_management_unit': True}, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='管理单位')),
            ],
            options={
                'verbose_name': '单位系统密钥',
                'verbose_name_plural': '单位系统密钥',
                'ordering': ['-created_at', '-id'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Webhook',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=300, verbose_name='接收地址')),
                ('events', models.JSONField(default=list, verbose_name='订阅事件')),
                ('secret', models.CharField(max_length=64)),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='管理单位')),
            ],
            options={
                'verbose_name': '事件推送地址',
                'verbose_name_plural': '事件推送地址',
                'ordering': ['-created_at', '-id'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='NationalRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('record_type', models.PositiveSmallIntegerField(choices=[(1, '仪器中心'), (2, '大型科研设施'), (4, '单台套仪器'), (5, '海关监管'), (6, '服务记录'), (7, '年度共享与成效')], verbose_name='记录类型')),
                ('object_key', models.CharField(max_length=20)),
                ('title', models.CharField(max_length=200, verbose_name='名称')),
                ('payload', models.JSONField(verbose_name='上报内容')),
                ('digest', models.CharField(max_length=64)),
                ('problems', models.JSONField(blank=True, default=list, verbose_name='待改正的问题')),
                ('status', models.CharField(choices=[('not_submitted', '未上报'), ('sent', '已发送'), ('accepted', '已接收'), ('returned', '被退回')], default='not_submitted', max_length=20, verbose_name='上报状态')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='单位确认时间')),
                ('sent_digest', models.CharField(blank=True, max_length=64)),
                ('return_code', models.CharField(blank=True, max_length=10, verbose_name='返回码')),
                ('return_reason', models.CharField(blank=True, max_length=500, verbose_name='退回原因')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('depends_on', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='dependants', to='exchange.nationalrecord')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='管理单位')),
                ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='records', to='exchange.reportingjob')),
            ],
            options={
                'verbose_name': '国家平台记录',
                'verbose_name_plural': '国家平台记录',
                'ordering': ['record_type', 'id'],
                'indexes': [models.Index(fields=['unit', 'status'], name='exchange_na_unit_id_6af002_idx'), models.Index(fields=['job', 'record_type', 'id'], name='exchange_na_job_id_b71287_idx')],
                'constraints': [models.UniqueConstraint(fields=('record_type', 'unit', 'object_key'), name='national_record_one_per_object'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'returned'), _negated=True), models.Q(('return_code', ''), _negated=True), _connector='OR'), name='national_record_returned_has_code')],
            },
        ),
        migrations.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(choices=[('service.completed', '服务已完成'), ('service.closed', '服务已取消或未履行'), ('national_record.accepted', '国家平台已接收记录'), ('national_record.returned', '国家平台退回记录')], max_length=40, verbose_name='事件')),
                ('event_id', models.UUIDField(unique=True)),
                ('payload', models.JSONField()),
                ('status', models.CharField(choices=[('pending', '待发送'), ('delivered', '已送达'), ('failed', '发送失败')], default='pending', max_length=20, verbose_name='状态')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='尝试次数')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='下次重试')),
                ('response_status', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='对方应答码')),
                ('last_error', models.CharField(blank=True, max_length=500, verbose_name='错误')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='送达时间')),
                ('webhook', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='exchange.webhook')),
            ],
            options={
                'verbose_name': '事件推送记录',
                'verbose_name_plural': '事件推送记录',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='exchange_we_status_43eb95_idx')],
                'constraints': [],
            },
        ),
    ]
