import django.core.validators
import django.db.models.deletion
import yiqi.core.validators
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('demands', '0001_initial'), ('demands', '0002_need_ordered')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('organizations', '0004_booking_credit_policy'),
        ('registry', '0009_exchange_fields'),
        ('servicerecords', '0002_resource_supply_without_instrument'),
    ]

    operations = [
        migrations.CreateModel(
            name='Need',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(editable=False, max_length=20, unique=True, verbose_name='需求编号')),
                ('title', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='需求名称')),
                ('description', models.TextField(max_length=2000, verbose_name='测试或加工内容')),
                ('sample_type', models.CharField(max_length=100, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='样品类型')),
                ('quantity', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10000)], verbose_name='样品数量')),
                ('deadline', models.DateField(verbose_name='期望完成日期')),
                ('budget', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.00'))], verbose_name='预算（元）')),
                ('status', models.CharField(choices=[('open', '征集中'), ('ordered', '已下单'), ('met', '已满足'), ('closed', '已关闭')], default='open', max_length=20, verbose_name='状态')),
                ('close_reason', models.CharField(blank=True, max_length=300, verbose_name='关闭原因')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='发布时间')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.instrumentcategory', verbose_name='仪器分类')),
                ('met_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicerecords.servicerecord', verbose_name='满足需求的服务')),
                ('poster', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.region', verbose_name='所在地区')),
                ('order_record', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicerecords.servicerecord', verbose_name='平台订单')),
            ],
            options={
                'verbose_name': '需求',
                'verbose_name_plural': '需求',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['status', '-created_at'], name='demands_nee_status_9525ca_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('quantity__gte', 1), ('quantity__lte', 10000)), name='demand_quantity_sane'), models.CheckConstraint(condition=models.Q(('budget__isnull', True), ('budget__gte', 0), _connector='OR'), name='demand_budget'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'met'), _negated=True), ('met_by__isnull', False), _connector='OR'), name='demand_met_has_service'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'ordered'), _negated=True), ('order_record__isnull', False), _connector='OR'), name='demand_ordered_has_order')],
            },
        ),
        migrations.CreateModel(
            name='Match',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.DecimalField(decimal_places=4, max_digits=5, verbose_name='匹配度')),
                ('response', models.CharField(choices=[('pending', '待回复'), ('quoted', '已报价'), ('declined', '无法承接')], default='pending', max_length=20, verbose_name='回复')),
                ('quote', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='报价（元）')),
                ('message', models.CharField(blank=True, max_length=500, verbose_name='回复说明')),
                ('responded_at', models.DateTimeField(blank=True, null=True, verbose_name='回复时间')),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.instrument')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                ('need', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='matches', to='demands.need')),
            ],
            options={
                'verbose_name': '需求匹配',
                'verbose_name_plural': '需求匹配',
                'ordering': ['-score', 'id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('need', 'instrument'), name='demand_match_once'), models.CheckConstraint(condition=models.Q(models.Q(('response', 'quoted'), _negated=True), ('quote__isnull', False), _connector='OR'), name='demand_quoted_has_amount')],
            },
        ),
    ]
