import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('fees', '0001_initial'), ('fees', '0002_initial'), ('fees', '0003_charge_events'), ('fees', '0004_service_record'), ('fees', '0005_link_service_records'), ('fees', '0006_one_audit_trail')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('booking', '0004_fill_service_records'),
        ('orders', '0004_fill_service_records'),
        ('organizations', '0001_initial'),
        ('registry', '0004_private_import_files'),
        ('servicerecords', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Charge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('user_category', models.CharField(choices=[('internal', '本单位'), ('academic', '其他高校和科研院所'), ('external', '企业及个人')], max_length=20, verbose_name='用户类别')),
                ('status', models.CharField(choices=[('quoted', '报价'), ('billed', '已出账单'), ('paid', '已缴费'), ('void', '已作废')], default='quoted', max_length=20, verbose_name='状态')),
                ('quoted_total', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='报价金额（元）')),
                ('total', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='应收金额（元）')),
                ('billed_at', models.DateTimeField(blank=True, null=True, verbose_name='出账时间')),
                ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='缴费时间')),
                ('payment_reference', models.CharField(blank=True, max_length=100, verbose_name='缴费凭证号')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='charges', to='registry.instrument')),
                ('payer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='charges', to=settings.AUTH_USER_MODEL)),
                ('payer_organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='charges_payable', to='organizations.organization')),
                ('payment_recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='charges_issued', to='organizations.organization')),
                ('paid_on', models.DateField(blank=True, null=True, verbose_name='到账日期')),
                ('record', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='charge', to='servicerecords.servicerecord')),
            ],
            options={
                'verbose_name': '费用单',
                'verbose_name_plural': '费用单',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['unit', 'billed_at'], name='fees_charge_unit_id_c4a00f_idx'), models.Index(fields=['payer_organization', 'billed_at'], name='fees_charge_payer_o_68e8b9_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('quoted_total__gte', 0), ('total__gte', 0)), name='charge_total_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='FeeItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='收费项目')),
                ('component', models.CharField(choices=[('materials', '材料消耗费'), ('running', '水电气等运行费'), ('labour', '人力服务费')], max_length=20, verbose_name='费用构成')),
                ('basis', models.CharField(choices=[('per_hour', '按机时'), ('per_sample', '按样品'), ('per_item', '按项次')], max_length=20, verbose_name='计费方式')),
                ('applies_to', models.CharField(choices=[('both', '自主上机和委托测试'), ('self_operation', '仅自主上机'), ('commissioned_testing', '仅委托测试')], default='both', max_length=30, verbose_name='适用服务')),
                ('rate_internal', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='本单位价格（元）')),
                ('rate_academic', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='高校院所价格（元）')),
                ('rate_external', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='企业及个人价格（元）')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='顺序')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='fee_items', to='registry.instrument')),
            ],
            options={
                'verbose_name': '收费项目',
                'verbose_name_plural': '收费标准',
                'ordering': ['instrument', 'position', 'id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('rate_academic__gte', 0), ('rate_external__gte', 0), ('rate_internal__gte', 0)), name='fee_rates_not_negative', violation_error_message='价格不能为负数。')],
            },
        ),
        migrations.CreateModel(
            name='ChargeAdjustment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, help_text='减免填负数。', max_digits=12, verbose_name='调整金额（元）')),
                ('reason', models.CharField(max_length=300, verbose_name='调整原因')),
                ('status', models.CharField(choices=[('pending', '待审批'), ('approved', '已批准'), ('rejected', '已驳回')], default='pending', max_length=20, verbose_name='状态')),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_comment', models.CharField(blank=True, max_length=300, verbose_name='审批意见')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('charge', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='adjustments', to='fees.charge')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '费用调整',
                'verbose_name_plural': '费用调整',
                'ordering': ['created_at', 'id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='adjustment_not_zero')],
            },
        ),
        migrations.CreateModel(
            name='ChargeLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('quote', '报价'), ('bill', '结算')], max_length=10)),
                ('description', models.CharField(max_length=100, verbose_name='项目')),
                ('component', models.CharField(choices=[('materials', '材料消耗费'), ('running', '水电气等运行费'), ('labour', '人力服务费')], max_length=20, verbose_name='费用构成')),
                ('basis', models.CharField(choices=[('per_hour', '按机时'), ('per_sample', '按样品'), ('per_item', '按项次')], max_length=20, verbose_name='计费方式')),
                ('quantity', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='数量')),
                ('unit_price', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='单价（元）')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='金额（元）')),
                ('charge', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='fees.charge')),
                ('fee_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='fees.feeitem')),
            ],
            options={
                'verbose_name': '费用明细',
                'verbose_name_plural': '费用明细',
                'ordering': ['charge', 'stage', 'id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('quantity__gte', 0), ('unit_price__gte', 0)), name='charge_line_quantity_not_negative')],
            },
        ),
    ]
