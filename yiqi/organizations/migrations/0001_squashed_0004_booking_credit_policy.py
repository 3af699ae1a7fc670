import django.core.validators
import django.db.models.deletion
import yiqi.core.validators
import yiqi.organizations.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('organizations', '0001_initial'), ('organizations', '0002_deployment_policy'), ('organizations', '0003_plain_names'), ('organizations', '0004_booking_credit_policy')]

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Region',
            fields=[
                ('code', models.CharField(max_length=6, primary_key=True, serialize=False, validators=[yiqi.organizations.validators.validate_region_code], verbose_name='行政区划代码')),
                ('name', models.CharField(max_length=50, verbose_name='名称')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='organizations.region', verbose_name='上级区划')),
            ],
            options={
                'verbose_name': '行政区划',
                'verbose_name_plural': '行政区划',
                'ordering': ['code'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Department',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='名称')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='departments', to='organizations.region', verbose_name='所在区划')),
            ],
            options={
                'verbose_name': '主管部门',
                'verbose_name_plural': '主管部门',
                'ordering': ['region_id', 'name'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Deployment',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False)),
                ('name', models.CharField(default='科研设施与仪器开放共享平台', max_length=100, verbose_name='平台名称')),
                ('authority_name', models.CharField(default='省科学技术厅', max_length=100, verbose_name='平台主管机关')),
                ('value_threshold', models.DecimalField(decimal_places=2, default=Decimal('500000.00'), help_text='原值达到此金额的仪器必须入网，常见取值 500000、300000、200000。', max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('1'))], verbose_name='强制入网原值门槛（元）')),
                ('registration_working_days', models.PositiveSmallIntegerField(default=30, validators=[django.core.validators.MinValueValidator(1)], verbose_name='入网期限（工作日）')),
                ('reminder_working_days', models.JSONField(blank=True, default=list, help_text='例如 [10, 5, 1]；逾期当天总会提醒。', verbose_name='提醒时点（截止前工作日）')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='联系邮箱')),
                ('home_region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.region', verbose_name='所辖区划')),
                ('complaint_working_days', models.PositiveSmallIntegerField(default=10, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='投诉办理期限（工作日）')),
                ('complaint_confirmation_working_days', models.PositiveSmallIntegerField(default=10, help_text='投诉人在此期限内未确认也未要求重新办理的，投诉自动关闭。', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='办结后待确认期限（工作日）')),
                ('waitlist_offer_hours', models.PositiveSmallIntegerField(default=2, help_text='空出的时段通知候补用户后，为其保留的时长；到期转给下一位。', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(72)], verbose_name='候补名额保留时长（小时）')),
                ('booking_reminder_hours', models.PositiveSmallIntegerField(default=24, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(168)], verbose_name='预约提醒提前（小时）')),
                ('checkout_grace_minutes', models.PositiveSmallIntegerField(default=60, help_text='预约结束后超过此时长仍未签退的，系统按预约结束时间自动结束上机。', validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(1440)], verbose_name='自动结束上机宽限（分钟）')),
                ('credit_threshold', models.PositiveSmallIntegerField(default=3, help_text='统计周期内爽约与临时取消合计达到此次数的，暂停其预约资格。', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(50)], verbose_name='暂停预约门槛（次）')),
                ('credit_window_days', models.PositiveSmallIntegerField(default=90, validators=[django.core.validators.MinValueValidator(7), django.core.validators.MaxValueValidator(366)], verbose_name='信用统计周期（天）')),
                ('late_cancellation_hours', models.PositiveSmallIntegerField(default=24, help_text='用户在开始前不足此时长时自行取消的，记为临时取消；0 表示不记。', validators=[django.core.validators.MaxValueValidator(168)], verbose_name='临时取消界限（小时）')),
                ('no_show_grace_minutes', models.PositiveSmallIntegerField(default=30, help_text='预约开始后超过此时长仍未签到的，自动记为爽约。', validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(240)], verbose_name='签到宽限（分钟）')),
                ('refuse_overlapping_bookings', models.BooleanField(default=True, help_text='开启时，用户已有待审核、已确认或使用中的预约时，不能再预约与之重叠的时段（任一仪器）。', verbose_name='禁止同一用户同时段预约多台仪器')),
                ('suspension_days', models.PositiveSmallIntegerField(default=30, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(366)], verbose_name='暂停预约时长（天）')),
            ],
            options={
                'verbose_name': '平台设置',
                'verbose_name_plural': '平台设置',
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='deployment_singleton'), models.CheckConstraint(condition=models.Q(('value_threshold__gt', 0)), name='deployment_threshold_positive')],
            },
        ),
        migrations.CreateModel(
            name='Organization',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='名称')),
                ('short_name', models.CharField(blank=True, max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='简称')),
                ('kind', models.CharField(choices=[('university', '高等院校'), ('research_institute', '科研院所'), ('enterprise', '企业'), ('hospital', '医疗卫生机构'), ('other', '其他')], max_length=20, verbose_name='单位类型')),
                ('credit_code', models.CharField(blank=True, max_length=18, validators=[yiqi.organizations.validators.validate_credit_code], verbose_name='统一社会信用代码')),
                ('address', models.CharField(blank=True, max_length=200, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='地址')),
                ('postcode', models.CharField(blank=True, max_length=6, verbose_name='邮编')),
                ('website', models.URLField(blank=True, verbose_name='网站')),
                ('is_management_unit', models.BooleanField(default=False, verbose_name='管理单位')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('supervising_department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='units', to='organizations.department', verbose_name='主管部门')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.region', verbose_name='所在区划')),
            ],
            options={
                'verbose_name': '单位',
                'verbose_name_plural': '单位',
                'ordering': ['name'],
                'indexes': [models.Index(fields=['is_management_unit', 'kind'], name='organizatio_is_mana_72e053_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('credit_code', ''), _negated=True), fields=('credit_code',), name='organization_credit_code_unique'), models.CheckConstraint(condition=models.Q(('is_management_unit', False), ('supervising_department__isnull', False), _connector='OR'), name='management_unit_has_department')],
            },
        ),
        migrations.CreateModel(
            name='SubUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='名称')),
                ('kind', models.CharField(choices=[('key_laboratory', '重点实验室'), ('engineering_center', '工程技术研究中心'), ('testing_center', '分析测试中心'), ('field_station', '野外科学观测研究站'), ('school', '院系'), ('other', '其他')], max_length=30, verbose_name='类型')),
                ('unit', models.ForeignKey(limit_choices_to={'is_management_unit': True}, on_delete=django.db.models.deletion.CASCADE, related_name='sub_units', to='organizations.organization', verbose_name='管理单位')),
            ],
            options={
                'verbose_name': '内设机构',
                'verbose_name_plural': '内设机构',
                'ordering': ['unit_id', 'name'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('unit', 'name'), name='sub_unit_name_unique_in_unit')],
            },
        ),
    ]
