import django.core.validators
import django.db.models.deletion
import yiqi.core.validators
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('purchases', '0001_initial'), ('purchases', '0002_filing')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('experts', '0001_initial'),
        ('organizations', '0004_booking_credit_policy'),
        ('registry', '0009_exchange_fields'),
    ]

    operations = [
        migrations.CreateModel(
            name='PurchaseApplication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(editable=False, max_length=20, unique=True, verbose_name='申请编号')),
                ('name', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='拟购仪器名称')),
                ('specifications', models.TextField(max_length=1000, verbose_name='主要技术指标')),
                ('functions', models.TextField(max_length=1000, verbose_name='主要功能')),
                ('model_candidates', models.CharField(blank=True, max_length=300, verbose_name='候选型号')),
                ('budget', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='预算（元）')),
                ('funding_source', models.CharField(choices=[('central', '中央财政'), ('local', '地方财政'), ('own', '单位自有资金'), ('other', '其他')], max_length=20, verbose_name='资金来源')),
                ('discipline', models.CharField(max_length=100, verbose_name='所属学科')),
                ('necessity', models.TextField(max_length=2000, verbose_name='购置必要性')),
                ('expected_hours', models.PositiveIntegerField(validators=[django.core.validators.MaxValueValidator(8784)], verbose_name='预计年机时（小时）')),
                ('expected_users', models.PositiveIntegerField(validators=[django.core.validators.MaxValueValidator(100000)], verbose_name='预计年用户数')),
                ('sharing_mode', models.CharField(choices=[('external', '对社会开放'), ('internal', '仅内部使用'), ('not_shared', '不共享')], default='external', max_length=20, verbose_name='开放共享方式')),
                ('hours_offered', models.PositiveIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(8784)], verbose_name='对外开放机时（小时/年）')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('submitted', '待评议'), ('in_review', '专家评议中'), ('decided', '已出具意见'), ('filed', '已备案'), ('withdrawn', '已撤回')], default='draft', max_length=20, verbose_name='状态')),
                ('evidence', models.JSONField(blank=True, default=dict, editable=False, verbose_name='查重证据')),
                ('draft_opinion', models.CharField(blank=True, choices=[('recommend', '建议购置'), ('conditional', '建议购置（附共享条件）'), ('refuse', '不建议购置')], max_length=20, verbose_name='系统初步意见')),
                ('opinion', models.CharField(blank=True, choices=[('recommend', '建议购置'), ('conditional', '建议购置（附共享条件）'), ('refuse', '不建议购置')], max_length=20, verbose_name='评议意见')),
                ('opinion_text', models.TextField(blank=True, max_length=2000, verbose_name='意见说明')),
                ('conditions', models.TextField(blank=True, max_length=1000, verbose_name='共享条件')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='意见出具时间')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.instrumentcategory', verbose_name='拟归分类')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('instrument', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='purchase_application', to='registry.instrument', verbose_name='购置后登记的仪器')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='申请单位')),
                ('filed_at', models.DateTimeField(blank=True, null=True, verbose_name='备案时间')),
                ('filing_number', models.CharField(blank=True, editable=False, max_length=20, null=True, unique=True, verbose_name='备案编号')),
            ],
            options={
                'verbose_name': '购置查重评议申请',
                'verbose_name_plural': '购置查重评议申请',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['unit', 'status'], name='purchases_p_unit_id_4fa453_idx'), models.Index(fields=['status', '-submitted_at'], name='purchases_p_status_14bee3_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('budget__gt', 0)), name='purchase_budget_positive'), models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'withdrawn']), models.Q(('submitted_at__isnull', False), models.Q(('draft_opinion', ''), _negated=True)), _connector='OR'), name='purchase_submitted_has_evidence'), models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['decided', 'filed']), _negated=True), models.Q(('decided_at__isnull', False), models.Q(('opinion', ''), _negated=True)), _connector='OR'), name='purchase_decided_has_opinion'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'filed'), _negated=True), models.Q(('filed_at__isnull', False), ('filing_number__isnull', False)), _connector='OR'), name='purchase_filed_has_number')],
            },
        ),
        migrations.CreateModel(
            name='ReviewRules',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('threshold', models.DecimalField(decimal_places=2, default=Decimal('2000000.00'), max_digits=14, verbose_name='查重评议金额起点（元）')),
                ('funding_sources', models.CharField(default='central,local', help_text='以逗号分隔：central 中央财政，local 地方财政，own 单位自有资金，other 其他。', max_length=100, verbose_name='须查重评议的资金来源')),
                ('saturation_hours', models.PositiveIntegerField(default=1200, verbose_name='饱和机时线（小时/年）')),
                ('min_quotes', models.PositiveSmallIntegerField(default=3, verbose_name='最少报价数')),
                ('similarity_floor', models.DecimalField(decimal_places=3, default=Decimal('0.250'), max_digits=4, verbose_name='相似仪器得分下限')),
            ],
            options={
                'verbose_name': '查重评议规则',
                'verbose_name_plural': '查重评议规则',
                'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='purchase_rules_single_row')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='Quote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('supplier', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='供应商')),
                ('model', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='型号')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='报价（元）')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quotes', to='purchases.purchaseapplication')),
            ],
            options={
                'verbose_name': '报价',
                'verbose_name_plural': '报价',
                'ordering': ['amount', 'id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='purchase_quote_positive')],
            },
        ),
        migrations.CreateModel(
            name='Review',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('relevance', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='学科相关性')),
                ('necessity', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='购置必要性')),
                ('reasonableness', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='配置合理性')),
                ('recommendation', models.CharField(blank=True, choices=[('recommend', '建议购置'), ('conditional', '建议购置（附共享条件）'), ('refuse', '不建议购置')], max_length=20, verbose_name='评议建议')),
                ('reasons', models.TextField(blank=True, max_length=2000, verbose_name='理由')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='purchases.purchaseapplication')),
                ('assignment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='experts.assignment')),
                ('expert', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='experts.expert', verbose_name='专家')),
            ],
            options={
                'verbose_name': '专家评议意见',
                'verbose_name_plural': '专家评议意见',
                'ordering': ['id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('application', 'expert'), name='purchase_review_once'), models.CheckConstraint(condition=models.Q(('submitted_at__isnull', True), models.Q(('relevance__gte', 1), ('relevance__lte', 5), ('necessity__gte', 1), ('necessity__lte', 5), ('reasonableness__gte', 1), ('reasonableness__lte', 5), models.Q(('recommendation', ''), _negated=True)), _connector='OR'), name='purchase_review_complete')],
            },
        ),
    ]
