import django.core.validators
import django.db.migrations.operations.special
import django.db.models.deletion
import django_countries.fields
import simple_history.models
import yiqi.core.storage
import yiqi.core.validators
import yiqi.registry.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


# From 0002_load_categories
def load(apps, schema_editor):
    from yiqi.registry.categories import sync_categories

    sync_categories(apps.get_model("registry", "InstrumentCategory"))


class Migration(migrations.Migration):

    replaces = [('registry', '0001_initial'), ('registry', '0002_load_categories'), ('registry', '0003_list_index'), ('registry', '0004_private_import_files'), ('registry', '0005_registration_events_to_audit'), ('registry', '0006_one_audit_trail'), ('registry', '0007_private_attachments'), ('registry', '0007_plain_names_past_dates_rich_text_limit'), ('registry', '0008_merge_attachments_and_validators'), ('registry', '0009_exchange_fields'), ('registry', '0010_domestic_flags')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_auditevent'),
        ('organizations', '0004_booking_credit_policy'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(storage=yiqi.core.storage.private_storage, upload_to='imports/%Y/%m/')),
                ('original_name', models.CharField(max_length=200)),
                ('status', models.CharField(choices=[('pending', '排队中'), ('validating', '校验中'), ('writing', '写入中'), ('failed', '校验未通过'), ('done', '已完成'), ('error', '处理出错')], default='pending', max_length=20)),
                ('total_rows', models.PositiveIntegerField(default=0)),
                ('processed_rows', models.PositiveIntegerField(default=0)),
                ('created_count', models.PositiveIntegerField(default=0)),
                ('updated_count', models.PositiveIntegerField(default=0)),
                ('errors', models.JSONField(blank=True, default=list)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_jobs', to='organizations.organization')),
                ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='InstrumentCategory',
            fields=[
                ('code', models.CharField(max_length=6, primary_key=True, serialize=False, validators=[django.core.validators.RegexValidator('^\\d{6}$')], verbose_name='分类代码')),
                ('name', models.CharField(max_length=50, verbose_name='名称')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='registry.instrumentcategory', verbose_name='上级分类')),
            ],
            options={
                'verbose_name': '仪器分类',
                'verbose_name_plural': '仪器分类',
                'ordering': ['code'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Instrument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('single_instrument', '单台套仪器'), ('large_facility', '大型科研设施'), ('instrument_center', '科学仪器中心'), ('service_unit', '科学仪器服务单元')], default='single_instrument', max_length=20, verbose_name='资源类型')),
                ('asset_number', models.CharField(max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='单位内部编号（资产编号）')),
                ('name', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='中文名称')),
                ('name_en', models.CharField(blank=True, max_length=200, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='英文名称')),
                ('original_value', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('50000000000.00'))], verbose_name='原值（元）')),
                ('source', models.CharField(choices=[('purchased', '购置'), ('self_built', '自研'), ('donated', '捐赠'), ('other', '其他')], default='purchased', max_length=20, verbose_name='仪器来源')),
                ('customs_supervised', models.BooleanField(default=False, verbose_name='海关监管')),
                ('funding_source', models.CharField(choices=[('central', '中央财政'), ('local', '地方财政'), ('own', '单位自有资金'), ('other', '其他')], default='other', max_length=20, verbose_name='主要购置经费来源')),
                ('manufacturer', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='生产制造商')),
                ('country_of_origin', django_countries.fields.CountryField(default='CN', max_length=2, verbose_name='产地国别')),
                ('model_spec', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='规格型号')),
                ('technical_indicators', models.TextField(max_length=500, verbose_name='主要技术指标')),
                ('main_functions', models.TextField(max_length=300, verbose_name='主要功能')),
                ('application_fields', models.CharField(blank=True, max_length=300, verbose_name='应用领域')),
                ('service_content', models.CharField(blank=True, max_length=200, verbose_name='服务内容')),
                ('campus', models.CharField(blank=True, max_length=50, verbose_name='校区/园区')),
                ('building', models.CharField(blank=True, max_length=50, verbose_name='楼宇')),
                ('room', models.CharField(blank=True, max_length=30, verbose_name='房间')),
                ('acceptance_date', models.DateField(validators=[yiqi.core.validators.DateRangeValidator(past=True)], verbose_name='安装验收日期')),
                ('start_of_use_date', models.DateField(blank=True, null=True, validators=[yiqi.core.validators.DateRangeValidator(past=True)], verbose_name='启用日期')),
                ('contact_name', models.CharField(max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='联系人')),
                ('contact_phone', models.CharField(max_length=30, validators=[django.core.validators.RegexValidator('\\A[0-9+\\-() ]{7,30}\\Z', '请输入有效的电话号码。')], verbose_name='联系电话')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='联系邮箱')),
                ('sharing_mode', models.CharField(choices=[('external', '对社会开放'), ('internal', '仅内部使用'), ('not_shared', '不共享')], default='external', max_length=20, verbose_name='共享方式')),
                ('not_shared_reason', models.CharField(blank=True, max_length=200, verbose_name='不共享原因')),
                ('operating_status', models.CharField(choices=[('normal', '正常'), ('under_repair', '维修中'), ('idle', '闲置'), ('to_be_scrapped', '待报废'), ('scrapped', '已报废')], default='normal', max_length=20, verbose_name='运行状态')),
                ('open_policy', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(20000, message='内容过长：最多 %(limit_value)d 个字符（含格式标记），当前 %(show_value)d 个。')], verbose_name='开放制度')),
                ('usage_rules', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(20000, message='内容过长：最多 %(limit_value)d 个字符（含格式标记），当前 %(show_value)d 个。')], verbose_name='使用办法')),
                ('offers_self_operation', models.BooleanField(default=False, verbose_name='提供自主上机')),
                ('offers_commissioned_testing', models.BooleanField(default=True, verbose_name='提供委托测试')),
                ('registration_status', models.CharField(choices=[('draft', '草稿'), ('submitted', '待单位确认'), ('returned', '已退回'), ('awaiting_department', '待主管部门审批'), ('awaiting_authority', '待平台审核'), ('published', '已发布'), ('declined', '未获批准')], default='draft', max_length=30, verbose_name='入网状态')),
                ('registration_due', models.DateField(blank=True, editable=False, null=True, verbose_name='入网截止日期')),
                ('registration_due_estimated', models.BooleanField(default=False, editable=False, verbose_name='截止日期按周一至周五估算')),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='发布时间')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('manager', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='managed_instruments', to=settings.AUTH_USER_MODEL, verbose_name='机组负责人')),
                ('parent', models.ForeignKey(blank=True, limit_choices_to=models.Q(('kind', 'single_instrument'), _negated=True), null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='members', to='registry.instrument', verbose_name='所属设施/中心/服务单元')),
                ('sub_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='instruments', to='organizations.subunit', verbose_name='所属内设机构')),
                ('unit', models.ForeignKey(limit_choices_to={'is_management_unit': True}, on_delete=django.db.models.deletion.PROTECT, related_name='instruments', to='organizations.organization', verbose_name='管理单位')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='instruments', to='registry.instrumentcategory', verbose_name='分类代码')),
                ('customs_declaration_number', models.CharField(blank=True, max_length=30, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='报关单号')),
                ('customs_form_name', models.CharField(blank=True, max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='报关单商品名称')),
                ('customs_import_date', models.DateField(blank=True, null=True, verbose_name='进口日期')),
                ('customs_item_number', models.CharField(blank=True, max_length=10, verbose_name='报关单项号')),
                ('disciplines', models.CharField(blank=True, help_text='GB/T 13745 学科代码，最多 4 个，以逗号分隔，如 150,170。', max_length=40, validators=[yiqi.registry.models.validate_disciplines], verbose_name='学科领域')),
                ('domestic_core_parts', models.BooleanField(default=False, help_text='核心部件（如光源、探测器、真空系统）以国产部件替代进口（产地国别须为中国）。', verbose_name='核心部件国产替代')),
                ('domestic_original', models.BooleanField(default=False, help_text='我国自主设计研制的原创仪器（产地国别须为中国）。', verbose_name='国产原创')),
            ],
            options={
                'verbose_name': '科研设施与仪器',
                'verbose_name_plural': '科研设施与仪器',
                'ordering': ['-updated_at', '-id'],
                'indexes': [models.Index(fields=['registration_status', 'registration_due'], name='registry_in_registr_9836f0_idx'), models.Index(fields=['unit', 'registration_status'], name='registry_in_unit_id_3ee1e4_idx'), models.Index(fields=['category'], name='registry_in_categor_d6135f_idx'), models.Index(fields=['original_value'], name='registry_in_origina_4ddf51_idx'), models.Index(fields=['-updated_at', '-id'], name='instrument_recent'), models.Index(fields=['registration_status', '-updated_at', '-id'], name='instrument_status_recent')],
                'constraints': [models.UniqueConstraint(fields=('unit', 'asset_number'), name='instrument_asset_number_unique_in_unit'), models.CheckConstraint(condition=models.Q(('original_value__gt', 0), ('original_value__lte', Decimal('50000000000.00'))), name='instrument_original_value_range'), models.CheckConstraint(condition=models.Q(models.Q(('sharing_mode', 'not_shared'), _negated=True), models.Q(('not_shared_reason', ''), _negated=True), _connector='OR'), name='instrument_not_shared_needs_reason'), models.CheckConstraint(condition=models.Q(('parent', models.F('id')), _negated=True), name='instrument_not_own_parent'), models.CheckConstraint(condition=models.Q(models.Q(('registration_status', 'published'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='instrument_published_has_time'), models.CheckConstraint(condition=models.Q(('country_of_origin', 'CN'), models.Q(('domestic_core_parts', False), ('domestic_original', False)), _connector='OR'), name='instrument_domestic_flags_made_in_china')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalInstrument',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('single_instrument', '单台套仪器'), ('large_facility', '大型科研设施'), ('instrument_center', '科学仪器中心'), ('service_unit', '科学仪器服务单元')], default='single_instrument', max_length=20, verbose_name='资源类型')),
                ('asset_number', models.CharField(max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='单位内部编号（资产编号）')),
                ('name', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='中文名称')),
                ('name_en', models.CharField(blank=True, max_length=200, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='英文名称')),
                ('original_value', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('50000000000.00'))], verbose_name='原值（元）')),
                ('source', models.CharField(choices=[('purchased', '购置'), ('self_built', '自研'), ('donated', '捐赠'), ('other', '其他')], default='purchased', max_length=20, verbose_name='仪器来源')),
                ('customs_supervised', models.BooleanField(default=False, verbose_name='海关监管')),
                ('funding_source', models.CharField(choices=[('central', '中央财政'), ('local', '地方财政'), ('own', '单位自有资金'), ('other', '其他')], default='other', max_length=20, verbose_name='主要购置经费来源')),
                ('manufacturer', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='生产制造商')),
                ('country_of_origin', django_countries.fields.CountryField(default='CN', max_length=2, verbose_name='产地国别')),
                ('model_spec', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='规格型号')),
                ('technical_indicators', models.TextField(max_length=500, verbose_name='主要技术指标')),
                ('main_functions', models.TextField(max_length=300, verbose_name='主要功能')),
                ('application_fields', models.CharField(blank=True, max_length=300, verbose_name='应用领域')),
                ('service_content', models.CharField(blank=True, max_length=200, verbose_name='服务内容')),
                ('campus', models.CharField(blank=True, max_length=50, verbose_name='校区/园区')),
                ('building', models.CharField(blank=True, max_length=50, verbose_name='楼宇')),
                ('room', models.CharField(blank=True, max_length=30, verbose_name='房间')),
                ('acceptance_date', models.DateField(validators=[yiqi.core.validators.DateRangeValidator(past=True)], verbose_name='安装验收日期')),
                ('start_of_use_date', models.DateField(blank=True, null=True, validators=[yiqi.core.validators.DateRangeValidator(past=True)], verbose_name='启用日期')),
                ('contact_name', models.CharField(max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='联系人')),
                ('contact_phone', models.CharField(max_length=30, validators=[django.core.validators.RegexValidator('\\A[0-9+\\-() ]{7,30}\\Z', '请输入有效的电话号码。')], verbose_name='联系电话')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='联系邮箱')),
                ('sharing_mode', models.CharField(choices=[('external', '对社会开放'), ('internal', '仅内部使用'), ('not_shared', '不共享')], default='external', max_length=20, verbose_name='共享方式')),
                ('not_shared_reason', models.CharField(blank=True, max_length=200, verbose_name='不共享原因')),
                ('operating_status', models.CharField(choices=[('normal', '正常'), ('under_repair', '维修中'), ('idle', '闲置'), ('to_be_scrapped', '待报废'), ('scrapped', '已报废')], default='normal', max_length=20, verbose_name='运行状态')),
                ('open_policy', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(20000, message='内容过长：最多 %(limit_value)d 个字符（含格式标记），当前 %(show_value)d 个。')], verbose_name='开放制度')),
                ('usage_rules', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(20000, message='内容过长：最多 %(limit_value)d 个字符（含格式标记），当前 %(show_value)d 个。')], verbose_name='使用办法')),
                ('offers_self_operation', models.BooleanField(default=False, verbose_name='提供自主上机')),
                ('offers_commissioned_testing', models.BooleanField(default=True, verbose_name='提供委托测试')),
                ('registration_status', models.CharField(choices=[('draft', '草稿'), ('submitted', '待单位确认'), ('returned', '已退回'), ('awaiting_department', '待主管部门审批'), ('awaiting_authority', '待平台审核'), ('published', '已发布'), ('declined', '未获批准')], default='draft', max_length=30, verbose_name='入网状态')),
                ('registration_due', models.DateField(blank=True, editable=False, null=True, verbose_name='入网截止日期')),
                ('registration_due_estimated', models.BooleanField(default=False, editable=False, verbose_name='截止日期按周一至周五估算')),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='发布时间')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='创建时间')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('manager', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='机组负责人')),
                ('sub_unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organizations.subunit', verbose_name='所属内设机构')),
                ('unit', models.ForeignKey(blank=True, db_constraint=False, limit_choices_to={'is_management_unit': True}, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organizations.organization', verbose_name='管理单位')),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, limit_choices_to=models.Q(('kind', 'single_instrument'), _negated=True), null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.instrument', verbose_name='所属设施/中心/服务单元')),
                ('category', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.instrumentcategory', verbose_name='分类代码')),
                ('customs_declaration_number', models.CharField(blank=True, max_length=30, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='报关单号')),
                ('customs_form_name', models.CharField(blank=True, max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='报关单商品名称')),
                ('customs_import_date', models.DateField(blank=True, null=True, verbose_name='进口日期')),
                ('customs_item_number', models.CharField(blank=True, max_length=10, verbose_name='报关单项号')),
                ('disciplines', models.CharField(blank=True, help_text='GB/T 13745 学科代码，最多 4 个，以逗号分隔，如 150,170。', max_length=40, validators=[yiqi.registry.models.validate_disciplines], verbose_name='学科领域')),
                ('domestic_core_parts', models.BooleanField(default=False, help_text='核心部件（如光源、探测器、真空系统）以国产部件替代进口（产地国别须为中国）。', verbose_name='核心部件国产替代')),
                ('domestic_original', models.BooleanField(default=False, help_text='我国自主设计研制的原创仪器（产地国别须为中国）。', verbose_name='国产原创')),
            ],
            options={
                'verbose_name': 'historical 科研设施与仪器',
                'verbose_name_plural': 'historical 科研设施与仪器',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='InstrumentAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('photo', '照片'), ('document', '文档')], max_length=10, verbose_name='类型')),
                ('file', models.FileField(storage=yiqi.core.storage.private_storage, upload_to='instruments/%Y/%m/', verbose_name='文件')),
                ('title', models.CharField(blank=True, max_length=100, verbose_name='标题')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='registry.instrument')),
                ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '附件',
                'verbose_name_plural': '附件',
                'ordering': ['kind', 'id'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='RegistrationReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_date', models.DateField()),
                ('working_days_before', models.PositiveSmallIntegerField(help_text='0 = the deadline has passed')),
                ('sent_at', models.DateTimeField(auto_now_add=True)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='registry.instrument')),
            ],
            options={
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('instrument', 'due_date', 'working_days_before'), name='registration_reminder_once')],
            },
        ),
        migrations.RunPython(
            code=load,
            reverse_code=django.db.migrations.operations.special.RunPython.noop,
        ),
    ]
