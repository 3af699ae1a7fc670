import django.core.validators
import django.db.models.deletion
import yiqi.core.validators
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('census', '0001_initial'), ('census', '0002_resources_publication_marks')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('organizations', '0004_booking_credit_policy'),
        ('registry', '0010_domestic_flags'),
        ('resources', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Census',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='普查年度')),
                ('deadline', models.DateField(verbose_name='填报截止日期')),
                ('status', models.CharField(choices=[('open', '填报中'), ('closed', '已关闭'), ('published', '结果已公布')], default='open', max_length=10, verbose_name='状态')),
                ('opened_at', models.DateTimeField(auto_now_add=True, verbose_name='开始时间')),
                ('closed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='关闭时间')),
                ('opened_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='公布时间')),
            ],
            options={
                'verbose_name': '年度普查',
                'verbose_name_plural': '年度普查',
                'ordering': ['-year'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['closed', 'published']), _negated=True), ('closed_at__isnull', False), _connector='OR'), name='census_closed_has_time'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='census_published_has_time')],
            },
        ),
        migrations.CreateModel(
            name='CensusMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('commendation', '通报表扬（服务奖励）'), ('notice', '通报批评')], max_length=20, verbose_name='类型')),
                ('reason', models.TextField(max_length=1000, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='理由')),
                ('marked_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                ('census', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='marks', to='census.census')),
                ('marked_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='单位')),
            ],
            options={
                'verbose_name': '普查通报',
                'verbose_name_plural': '普查通报',
                'ordering': ['census', 'kind', 'unit__name', 'id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('census', 'unit', 'kind'), name='census_mark_once_per_kind'), models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='census_mark_has_reason'), models.CheckConstraint(condition=models.Q(('kind__in', ['commendation', 'notice'])), name='census_mark_kind_in_list')],
            },
        ),
        migrations.CreateModel(
            name='CensusReturn',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('draft', '待填报'), ('submitted', '待主管部门审核'), ('awaiting_authority', '待平台审核'), ('returned', '已退回修改'), ('accepted', '已通过')], default='draft', max_length=20, verbose_name='状态')),
                ('pre_operating_hours', models.DecimalField(decimal_places=2, editable=False, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='运行机时（平台）')),
                ('pre_machine_hours', models.DecimalField(decimal_places=2, editable=False, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='有效机时（平台）')),
                ('pre_external_hours', models.DecimalField(decimal_places=2, editable=False, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='对外服务机时（平台）')),
                ('pre_services', models.PositiveIntegerField(editable=False, verbose_name='服务次数（平台）')),
                ('pre_income', models.DecimalField(decimal_places=2, editable=False, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='服务收入（平台）')),
                ('operating_hours', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='运行机时')),
                ('machine_hours', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='有效机时')),
                ('external_hours', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='对外服务机时')),
                ('services', models.PositiveIntegerField(verbose_name='服务次数')),
                ('income', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='服务收入（元）')),
                ('difference_note', models.TextField(blank=True, help_text='填报数与平台统计不一致时必须说明原因。', max_length=1000, verbose_name='差异说明')),
                ('submitted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='提交时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('census', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='returns', to='census.census')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
            ],
            options={
                'verbose_name': '普查填报',
                'verbose_name_plural': '普查填报',
                'ordering': ['census', 'unit__name', 'id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('census', 'unit'), name='census_return_one_per_unit'), models.CheckConstraint(condition=models.Q(('external_hours__lte', models.F('machine_hours'))), name='census_return_external_within_machine'), models.CheckConstraint(condition=models.Q(models.Q(('difference_note', ''), _negated=True), models.Q(('external_hours', models.F('pre_external_hours')), ('income', models.F('pre_income')), ('machine_hours', models.F('pre_machine_hours')), ('operating_hours', models.F('pre_operating_hours')), ('services', models.F('pre_services'))), _connector='OR'), name='census_return_difference_explained')],
            },
        ),
        migrations.CreateModel(
            name='CensusSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('accepted', models.BooleanField(verbose_name='填报已通过')),
                ('instruments', models.PositiveIntegerField(verbose_name='仪器台套数')),
                ('shared_instruments', models.PositiveIntegerField(verbose_name='对社会开放台套数')),
                ('value', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='原值合计（元）')),
                ('operating_hours', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='运行机时')),
                ('machine_hours', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='有效机时')),
                ('external_hours', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='对外服务机时')),
                ('services', models.PositiveIntegerField(verbose_name='服务次数')),
                ('income', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='服务收入（元）')),
                ('census', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='snapshots', to='census.census')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                ('below_line_instruments', models.PositiveIntegerField(default=0, verbose_name='原值门槛以下纳入台套数')),
                ('datasets', models.PositiveIntegerField(default=0, verbose_name='科学数据')),
                ('literature', models.PositiveIntegerField(default=0, verbose_name='科技文献')),
                ('natural_resources', models.PositiveIntegerField(default=0, verbose_name='自然科技资源')),
                ('open_resources', models.PositiveIntegerField(default=0, verbose_name='公开的科技资源')),
                ('reports', models.PositiveIntegerField(default=0, verbose_name='科技报告')),
            ],
            options={
                'verbose_name': '普查快照',
                'verbose_name_plural': '普查快照',
                'ordering': ['census', 'unit_id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('census', 'unit'), name='census_snapshot_one_per_unit')],
            },
        ),
        migrations.CreateModel(
            name='CensusLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='仪器名称')),
                ('sharing_mode', models.CharField(choices=[('external', '对社会开放'), ('internal', '仅内部使用'), ('not_shared', '不共享')], max_length=20, verbose_name='共享方式')),
                ('operating_status', models.CharField(choices=[('normal', '正常'), ('under_repair', '维修中'), ('idle', '闲置'), ('to_be_scrapped', '待报废'), ('scrapped', '已报废')], max_length=20, verbose_name='运行状态')),
                ('original_value', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='原值（元）')),
                ('location', models.CharField(blank=True, max_length=150, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='放置地点')),
                ('contact_name', models.CharField(max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='联系人')),
                ('added', models.BooleanField(default=False, editable=False, verbose_name='单位补充')),
                ('confirmed', models.BooleanField(default=False, verbose_name='已核实')),
                ('prefilled', models.JSONField(blank=True, default=dict, editable=False)),
                ('instrument', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.instrument')),
                ('census_return', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='census.censusreturn')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.instrumentcategory', verbose_name='分类代码')),
                ('scope', models.CharField(choices=[('mandatory', '达到原值门槛'), ('voluntary', '单位自愿申报'), ('selected', '主管部门择优纳入')], default='mandatory', editable=False, max_length=20, verbose_name='纳入方式')),
            ],
            options={
                'verbose_name': '普查仪器',
                'verbose_name_plural': '普查仪器',
                'ordering': ['census_return', 'added', 'name', 'id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(condition=models.Q(('instrument__isnull', False)), fields=('census_return', 'instrument'), name='census_line_one_per_instrument'), models.CheckConstraint(condition=models.Q(('original_value__gt', 0), ('original_value__lte', Decimal('50000000000.00'))), name='census_line_value_in_range')],
            },
        ),
        migrations.CreateModel(
            name='CensusReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('days_before', models.PositiveSmallIntegerField()),
                ('sent_at', models.DateTimeField(auto_now_add=True)),
                ('census_return', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='census.censusreturn')),
            ],
            options={
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('census_return', 'days_before'), name='census_reminder_once')],
            },
        ),
        migrations.CreateModel(
            name='CensusResourceLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('dataset', '科学数据'), ('literature', '科技文献'), ('report', '科技报告'), ('natural', '自然科技资源')], max_length=20, verbose_name='资源类别')),
                ('name', models.CharField(max_length=200, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='名称')),
                ('status', models.CharField(choices=[('available', '正常提供'), ('suspended', '暂停提供'), ('discontinued', '已停止提供')], default='available', max_length=20, verbose_name='提供状态')),
                ('access_level', models.CharField(choices=[('open', '公开'), ('on_application', '申请后使用'), ('restricted', '受限使用')], max_length=20, verbose_name='开放方式')),
                ('location', models.CharField(blank=True, max_length=200, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='保存地点/访问地址')),
                ('contact_name', models.CharField(blank=True, max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='联系人')),
                ('scale', models.CharField(blank=True, help_text='如 12 GB、1.2 万份。', max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='规模')),
                ('services', models.PositiveIntegerField(default=0, verbose_name='年度服务次数')),
                ('added', models.BooleanField(default=False, editable=False, verbose_name='单位补充')),
                ('confirmed', models.BooleanField(default=False, verbose_name='已核实')),
                ('prefilled', models.JSONField(blank=True, default=dict, editable=False)),
                ('census_return', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='resource_lines', to='census.censusreturn')),
                ('resource', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='resources.resource')),
            ],
            options={
                'verbose_name': '普查科技资源',
                'verbose_name_plural': '普查科技资源',
                'ordering': ['census_return', 'added', 'kind', 'name', 'id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(condition=models.Q(('resource__isnull', False)), fields=('census_return', 'resource'), name='census_resource_line_one_per_resource'), models.CheckConstraint(condition=models.Q(('kind__in', ['dataset', 'literature', 'report', 'natural'])), name='census_resource_line_kind_in_list'), models.CheckConstraint(condition=models.Q(('access_level__in', ['open', 'on_application', 'restricted'])), name='census_resource_line_access_in_list')],
            },
        ),
    ]
