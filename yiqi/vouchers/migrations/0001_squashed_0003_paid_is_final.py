import django.db.models.deletion
import django.utils.timezone
import yiqi.core.storage
import yiqi.organizations.validators
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


# From 0002_ledger_append_only and 0003_paid_is_final: on PostgreSQL the database itself refuses to change or
# delete ledger rows, and a claim or a batch once it is paid out.
PAID_TABLES = ("vouchers_claim", "vouchers_batch")
CREATE = """
CREATE FUNCTION vouchers_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'vouchers_ledgerentry is append-only';
END;
$$;
CREATE TRIGGER vouchers_ledger_append_only BEFORE UPDATE OR DELETE ON vouchers_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION vouchers_ledger_append_only();
CREATE FUNCTION vouchers_paid_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'paid' THEN
        RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' row ' || OLD.id || ' is paid out and cannot change';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
""" + "".join(
    f"CREATE TRIGGER {table}_paid_is_final BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION vouchers_paid_is_final();\n"
    for table in PAID_TABLES
)
DROP = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_paid_is_final ON {table};\n" for table in PAID_TABLES)
    + "DROP FUNCTION IF EXISTS vouchers_paid_is_final();\n"
    + "DROP TRIGGER IF EXISTS vouchers_ledger_append_only ON vouchers_ledgerentry;\n"
    + "DROP FUNCTION IF EXISTS vouchers_ledger_append_only();"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    replaces = [('vouchers', '0001_initial'), ('vouchers', '0002_ledger_append_only'), ('vouchers', '0003_paid_is_final')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('fees', '0006_one_audit_trail'),
        ('organizations', '0003_plain_names'),
        ('servicerecords', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CompanyProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('legal_representative', models.CharField(blank=True, max_length=50, verbose_name='法定代表人')),
                ('registered_address', models.CharField(blank=True, max_length=200, verbose_name='注册地址')),
                ('sme_verified_at', models.DateTimeField(blank=True, null=True, verbose_name='科技型中小企业核验时间')),
                ('organization', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='voucher_profile', to='organizations.organization')),
                ('sme_verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '企业创新券档案',
                'verbose_name_plural': '企业创新券档案',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Programme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('level', models.CharField(choices=[('province', '省级'), ('city', '市级'), ('county', '县级')], default='province', max_length=10, verbose_name='层级')),
                ('parent_share', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=5, verbose_name='上级配套比例')),
                ('budget', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='总预算（元）')),
                ('per_application_cap', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='单次申请上限（元）')),
                ('per_year_cap', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='每家企业年度上限（元）')),
                ('eligible_kinds', models.JSONField(default=list, verbose_name='可申请的单位类型')),
                ('use_by', models.DateField(verbose_name='使用截止日期')),
                ('cash_by', models.DateField(verbose_name='兑付申请截止日期')),
                ('is_open', models.BooleanField(default=True, verbose_name='受理申请')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('authority', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='voucher_programmes', to='organizations.department', verbose_name='主管机关')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='vouchers.programme', verbose_name='上级创新券计划')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.region', verbose_name='区划')),
            ],
            options={
                'verbose_name': '创新券计划',
                'verbose_name_plural': '创新券计划',
                'ordering': ['-year', 'name'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('authority', 'year', 'name'), name='voucher_programme_unique'), models.CheckConstraint(condition=models.Q(('budget__gt', 0)), name='voucher_programme_budget_positive'), models.CheckConstraint(condition=models.Q(('per_application_cap__gt', 0), ('per_application_cap__lte', models.F('per_year_cap'))), name='voucher_programme_caps'), models.CheckConstraint(condition=models.Q(('cash_by__gte', models.F('use_by'))), name='voucher_programme_dates'), models.CheckConstraint(condition=models.Q(('parent_share__gte', 0), ('parent_share__lte', 1), models.Q(('parent__isnull', False), ('parent_share', 0), _connector='OR')), name='voucher_programme_parent_share')],
            },
        ),
        migrations.CreateModel(
            name='Account',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='voucher_accounts', to='organizations.organization')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accounts', to='vouchers.programme')),
            ],
            options={
                'verbose_name': '创新券账户',
                'verbose_name_plural': '创新券账户',
                'ordering': ['programme', 'company'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('programme', 'company'), name='voucher_account_unique')],
            },
        ),
        migrations.CreateModel(
            name='Batch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='月份')),
                ('status', models.CharField(choices=[('open', '受理中'), ('reviewed', '已审核'), ('paid', '已兑付')], default='open', max_length=20, verbose_name='状态')),
                ('payout_reference', models.CharField(blank=True, max_length=100, verbose_name='拨付凭证号')),
                ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='拨付时间')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='batches', to='vouchers.programme')),
            ],
            options={
                'verbose_name': '兑付批次',
                'verbose_name_plural': '兑付批次',
                'ordering': ['programme', '-month'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('programme', 'month'), name='voucher_batch_month_unique'), models.CheckConstraint(condition=models.Q(('month__day', 1)), name='voucher_batch_first_day')],
            },
        ),
        migrations.CreateModel(
            name='PriceBand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('up_to', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='服务金额不超过（元）')),
                ('covered_share', models.DecimalField(decimal_places=4, max_digits=5, verbose_name='可抵扣比例')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bands', to='vouchers.programme')),
            ],
            options={
                'verbose_name': '抵扣比例档',
                'verbose_name_plural': '抵扣比例档',
                'ordering': ['programme', models.OrderBy(models.F('up_to'), nulls_last=True)],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('programme', 'up_to'), name='voucher_band_unique'), models.UniqueConstraint(condition=models.Q(('up_to__isnull', True)), fields=('programme',), name='voucher_band_one_open'), models.CheckConstraint(condition=models.Q(('covered_share__gt', 0), ('covered_share__lte', 1)), name='voucher_band_share'), models.CheckConstraint(condition=models.Q(('up_to__isnull', True), ('up_to__gt', 0), _connector='OR'), name='voucher_band_bound')],
            },
        ),
        migrations.CreateModel(
            name='ProviderRegistration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('credit_code', models.CharField(max_length=18, validators=[yiqi.organizations.validators.validate_credit_code], verbose_name='统一社会信用代码')),
                ('legal_representative', models.CharField(max_length=50, verbose_name='法定代表人')),
                ('registered_address', models.CharField(max_length=200, verbose_name='注册地址')),
                ('bank_name', models.CharField(max_length=100, verbose_name='开户银行')),
                ('bank_account', models.CharField(max_length=34, verbose_name='银行账号')),
                ('account_name', models.CharField(max_length=100, verbose_name='账户名称')),
                ('licence', models.FileField(max_length=300, storage=yiqi.core.storage.private_storage, upload_to='voucher-licences/%Y/', verbose_name='营业执照或法人证书')),
                ('licence_name', models.CharField(max_length=200)),
                ('licence_type', models.CharField(max_length=100)),
                ('status', models.CharField(choices=[('submitted', '待审核'), ('approved', '已批准'), ('rejected', '未批准'), ('suspended', '已暂停')], default='submitted', max_length=20, verbose_name='状态')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='providers', to='vouchers.programme')),
                ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='voucher_registrations', to='organizations.organization')),
            ],
            options={
                'verbose_name': '创新券服务机构',
                'verbose_name_plural': '创新券服务机构',
                'ordering': ['programme', 'unit'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'rejected'), _negated=True), fields=('programme', 'unit'), name='voucher_provider_unique')],
            },
        ),
        migrations.CreateModel(
            name='QuotaApplication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('credit_code', models.CharField(max_length=18, validators=[yiqi.organizations.validators.validate_credit_code], verbose_name='统一社会信用代码')),
                ('project', models.TextField(max_length=2000, verbose_name='项目简介')),
                ('requested', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='申请金额（元）')),
                ('approved_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='批准金额（元）')),
                ('status', models.CharField(choices=[('submitted', '待审核'), ('approved', '已批准'), ('declined', '未批准')], default='submitted', max_length=20, verbose_name='状态')),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('applicant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='voucher_applications', to='organizations.organization')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='vouchers.programme')),
            ],
            options={
                'verbose_name': '创新券额度申请',
                'verbose_name_plural': '创新券额度申请',
                'ordering': ['-created_at', '-id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('requested__gt', 0)), name='voucher_application_requested'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'approved'), ('approved_amount__gt', 0), ('approved_amount__lte', models.F('requested'))), models.Q(models.Q(('status', 'approved'), _negated=True), ('approved_amount__isnull', True)), _connector='OR'), name='voucher_application_approved_amount')],
            },
        ),
        migrations.CreateModel(
            name='Payment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='创新券抵扣金额（元）')),
                ('status', models.CharField(choices=[('held', '已冻结'), ('spent', '已抵扣'), ('released', '已释放'), ('refunded', '已退回')], default='held', max_length=20, verbose_name='状态')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='vouchers.account')),
                ('applied_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('charge', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='voucher_payment', to='fees.charge')),
                ('record', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='voucher_payment', to='servicerecords.servicerecord')),
                ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='vouchers.providerregistration')),
            ],
            options={
                'verbose_name': '创新券抵扣',
                'verbose_name_plural': '创新券抵扣',
                'ordering': ['-created_at', '-id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='voucher_payment_amount')],
            },
        ),
        migrations.CreateModel(
            name='Claim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='兑付金额（元）')),
                ('contract', models.FileField(max_length=300, storage=yiqi.core.storage.private_storage, upload_to='voucher-claims/%Y/%m/', verbose_name='服务合同')),
                ('contract_name', models.CharField(max_length=200)),
                ('contract_type', models.CharField(max_length=100)),
                ('invoice', models.FileField(max_length=300, storage=yiqi.core.storage.private_storage, upload_to='voucher-claims/%Y/%m/', verbose_name='发票')),
                ('invoice_name', models.CharField(max_length=200)),
                ('invoice_type', models.CharField(max_length=100)),
                ('flags', models.JSONField(blank=True, default=list, verbose_name='风险提示')),
                ('status', models.CharField(choices=[('submitted', '待审核'), ('approved', '已核准'), ('rejected', '未核准'), ('paid', '已兑付')], default='submitted', max_length=20, verbose_name='状态')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='vouchers.batch')),
                ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('payment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='vouchers.payment')),
                ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='vouchers.providerregistration')),
            ],
            options={
                'verbose_name': '兑付申请',
                'verbose_name_plural': '兑付申请',
                'ordering': ['-created_at', '-id'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'rejected'), _negated=True), fields=('payment',), name='voucher_claim_once_per_service'), models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='voucher_claim_amount')],
            },
        ),
        migrations.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('grant', '发放'), ('hold', '冻结'), ('release', '释放'), ('spend', '抵扣'), ('refund', '退回'), ('redeem_claim', '兑付核准'), ('payout', '拨付'), ('expiry', '过期'), ('clawback', '收回')], max_length=20, verbose_name='类型')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='金额（元）')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ledger', to='vouchers.account')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('claim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ledger', to='vouchers.claim')),
                ('payment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ledger', to='vouchers.payment')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ledger', to='vouchers.programme')),
                ('application', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ledger', to='vouchers.quotaapplication')),
            ],
            options={
                'verbose_name': '台账记录',
                'verbose_name_plural': '创新券台账',
                'ordering': ['created_at', 'id'],
                'indexes': [models.Index(fields=['programme', 'kind'], name='vouchers_le_program_dba2f0_idx'), models.Index(fields=['account', 'kind'], name='vouchers_le_account_ee4a58_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='voucher_ledger_amount_positive'), models.CheckConstraint(condition=models.Q(('kind__in', ['grant', 'hold', 'release', 'spend', 'refund', 'redeem_claim', 'payout', 'expiry', 'clawback'])), name='voucher_ledger_kind_known'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'grant'), _negated=True), ('application__isnull', False), _connector='OR'), name='voucher_ledger_grant_has_application'), models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['hold', 'release', 'spend', 'refund']), _negated=True), ('payment__isnull', False), _connector='OR'), name='voucher_ledger_payment_steps_have_payment'), models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['redeem_claim', 'payout']), _negated=True), models.Q(('claim__isnull', False), ('payment__isnull', False)), _connector='OR'), name='voucher_ledger_redemption_has_claim')],
            },
        ),
        migrations.RunPython(
            code=create,
            reverse_code=drop,
        ),
    ]
