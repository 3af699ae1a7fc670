import django.core.validators
import django.db.models.deletion
import yiqi.core.storage
import yiqi.core.validators
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('evaluation', '0001_initial'), ('evaluation', '0002_notices')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('experts', '0001_initial'),
        ('organizations', '0004_booking_credit_policy'),
    ]

    operations = [
        migrations.CreateModel(
            name='Notice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(choices=[('round_opened', '评价轮次开启'), ('results_published', '评价结果公布'), ('rectification_required', '须限期整改'), ('rectification_decided', '整改完成'), ('expert_assigned', '指派评议专家')], max_length=30)),
                ('key', models.PositiveBigIntegerField()),
                ('sent_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('event', 'key'), name='evaluation_notice_once')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='Scheme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='方案名称')),
                ('version', models.PositiveSmallIntegerField(default=1, verbose_name='版本')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('active', '启用')], default='draft', max_length=10, verbose_name='状态')),
                ('total_points', models.DecimalField(decimal_places=2, default=Decimal('100'), max_digits=6, verbose_name='总分')),
                ('value_threshold', models.DecimalField(decimal_places=2, default=Decimal('200000'), max_digits=14, verbose_name='开放率计算的原值门槛（元）')),
                ('excellent_from', models.DecimalField(decimal_places=2, default=Decimal('90'), max_digits=6, verbose_name='优秀分数线')),
                ('good_from', models.DecimalField(decimal_places=2, default=Decimal('80'), max_digits=6, verbose_name='良好分数线')),
                ('pass_from', models.DecimalField(decimal_places=2, default=Decimal('60'), max_digits=6, verbose_name='合格分数线')),
                ('tie_breaks', models.JSONField(blank=True, default=list, verbose_name='同分排序指标')),
                ('description', models.TextField(blank=True, verbose_name='说明')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('based_on', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='evaluation.scheme', verbose_name='复制自')),
            ],
            options={
                'verbose_name': '评价方案',
                'verbose_name_plural': '评价方案',
                'ordering': ['name', '-version'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('name', 'version'), name='evaluation_scheme_version_once'), models.CheckConstraint(condition=models.Q(('excellent_from__gt', models.F('good_from')), ('good_from__gt', models.F('pass_from')), ('pass_from__gt', 0)), name='evaluation_scheme_grade_lines_ordered')],
            },
        ),
        migrations.CreateModel(
            name='Indicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=20, verbose_name='编号')),
                ('name', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='指标名称')),
                ('points', models.DecimalField(decimal_places=2, max_digits=6, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='分值')),
                ('kind', models.CharField(choices=[('group', '指标组'), ('computed', '计算指标'), ('scored', '专家评分指标')], max_length=10, verbose_name='类型')),
                ('figure', models.CharField(blank=True, max_length=40, verbose_name='计算公式')),
                ('method', models.CharField(blank=True, choices=[('linear', '对标线性（封顶）'), ('per_step', '按步计分'), ('bands', '分档计分'), ('rank', '同类排名'), ('expert', '专家评分（去极值平均）')], max_length=10, verbose_name='计分方法')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='计分参数')),
                ('guide', models.TextField(blank=True, verbose_name='评分指引')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='evaluation.indicator')),
                ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicators', to='evaluation.scheme')),
            ],
            options={
                'verbose_name': '评价指标',
                'verbose_name_plural': '评价指标',
                'ordering': ['position', 'id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('scheme', 'code'), name='evaluation_indicator_code_once'), models.CheckConstraint(condition=models.Q(('points__gt', 0)), name='evaluation_indicator_points_positive')],
            },
        ),
        migrations.CreateModel(
            name='Round',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='名称')),
                ('period_start', models.DateField(verbose_name='考核期开始')),
                ('period_end', models.DateField(verbose_name='考核期结束')),
                ('submission_due', models.DateField(verbose_name='自评提交截止')),
                ('scoring_due', models.DateField(verbose_name='专家评分截止')),
                ('status', models.CharField(choices=[('open', '自评中'), ('scoring', '专家评审中'), ('closed', '已结束'), ('published', '已公布')], default='open', max_length=10, verbose_name='状态')),
                ('subsidy_budget', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='后补助预算（元）')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='公布时间')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rounds', to='evaluation.scheme', verbose_name='评价方案')),
            ],
            options={
                'verbose_name': '评价轮次',
                'verbose_name_plural': '评价轮次',
                'ordering': ['-period_end', '-id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='evaluation_round_period')],
            },
        ),
        migrations.CreateModel(
            name='UnitEvaluation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period_start', models.DateField(editable=False)),
                ('period_end', models.DateField(editable=False)),
                ('figures', models.JSONField(blank=True, default=dict, verbose_name='计算数据')),
                ('self_report', models.JSONField(blank=True, default=dict, verbose_name='自评报告')),
                ('self_report_file', models.FileField(blank=True, max_length=300, storage=yiqi.core.storage.private_storage, upload_to='evaluation/%Y/', verbose_name='自评报告附件')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='自评提交时间')),
                ('onsite_check', models.BooleanField(default=False, verbose_name='需现场核查')),
                ('onsite_outcome', models.TextField(blank=True, verbose_name='现场核查结论')),
                ('fraud_confirmed', models.BooleanField(default=False, verbose_name='查实弄虚作假')),
                ('scores', models.JSONField(blank=True, default=dict, verbose_name='各指标得分')),
                ('total', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='总分')),
                ('rank', models.PositiveIntegerField(blank=True, null=True, verbose_name='排名')),
                ('grade', models.CharField(blank=True, choices=[('excellent', '优秀'), ('good', '良好'), ('pass', '合格'), ('poor', '较差')], max_length=10, verbose_name='等级')),
                ('subsidy', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='后补助（元）')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='units', to='evaluation.round')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='管理单位')),
            ],
            options={
                'verbose_name': '单位评价',
                'verbose_name_plural': '单位评价',
                'ordering': ['rank', 'id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('round', 'unit'), name='evaluation_unit_once_per_round'), models.CheckConstraint(condition=models.Q(('subsidy__gte', 0), ('subsidy__isnull', True), _connector='OR'), name='evaluation_subsidy_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='Contest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('figure', models.CharField(max_length=40, verbose_name='数据项')),
                ('reason', models.TextField(max_length=2000, verbose_name='理由')),
                ('answer', models.TextField(blank=True, max_length=2000, verbose_name='答复')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('evaluation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contests', to='evaluation.unitevaluation')),
            ],
            options={
                'verbose_name': '数据异议',
                'verbose_name_plural': '数据异议',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='ExpertScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='得分')),
                ('comment', models.TextField(blank=True, max_length=1000, verbose_name='评语')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('expert', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='experts.expert')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='evaluation.indicator')),
                ('evaluation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='expert_scores', to='evaluation.unitevaluation')),
            ],
            options={
                'verbose_name': '专家评分',
                'verbose_name_plural': '专家评分',
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('evaluation', 'indicator', 'expert'), name='evaluation_score_once'), models.CheckConstraint(condition=models.Q(('score__gte', 0)), name='evaluation_score_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='Rectification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_on', models.DateField(verbose_name='整改期限')),
                ('status', models.CharField(choices=[('open', '整改中'), ('closed', '已完成整改')], default='open', max_length=10, verbose_name='状态')),
                ('report', models.TextField(blank=True, max_length=3000, verbose_name='整改情况')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                ('evaluation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='rectification', to='evaluation.unitevaluation')),
            ],
            options={
                'verbose_name': '限期整改',
                'verbose_name_plural': '限期整改',
                'indexes': [],
                'constraints': [],
            },
        ),
    ]
