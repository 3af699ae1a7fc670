import django.core.validators
import django.db.models.deletion
import yiqi.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('resources', '0001_initial'), ('resources', '0002_registration_workflow_and_loans')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('organizations', '0004_booking_credit_policy'),
        ('servicerecords', '0002_resource_supply_without_instrument'),
    ]

    operations = [
        migrations.CreateModel(
            name='Resource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('dataset', '科学数据'), ('literature', '科技文献'), ('report', '科技报告'), ('natural', '自然科技资源')], max_length=20, verbose_name='资源类别')),
                ('name', models.CharField(max_length=200, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='名称')),
                ('description', models.TextField(blank=True, max_length=2000, verbose_name='简介')),
                ('subject', models.CharField(blank=True, max_length=100, verbose_name='学科领域')),
                ('keywords', models.CharField(blank=True, max_length=200, verbose_name='关键词')),
                ('access_level', models.CharField(choices=[('open', '公开'), ('on_application', '申请后使用'), ('restricted', '受限使用')], default='on_application', max_length=20, verbose_name='开放方式')),
                ('time_coverage', models.CharField(blank=True, max_length=100, verbose_name='时间范围')),
                ('space_coverage', models.CharField(blank=True, max_length=100, verbose_name='空间范围')),
                ('data_format', models.CharField(blank=True, max_length=50, verbose_name='数据格式')),
                ('data_size', models.CharField(blank=True, help_text='如 12 GB、3 万条。', max_length=50, verbose_name='数据量')),
                ('licence', models.CharField(blank=True, choices=[('cc0-1.0', 'CC0 1.0'), ('cc-by-4.0', 'CC BY 4.0'), ('cc-by-nc-4.0', 'CC BY-NC 4.0'), ('odbl-1.0', 'ODbL 1.0'), ('unit-agreement', '单位数据使用协议')], max_length=20, verbose_name='许可协议')),
                ('doi', models.CharField(blank=True, max_length=100, validators=[django.core.validators.RegexValidator('^10\\.\\d{4,9}/\\S+$', 'DOI 格式应为 10.NNNN/…，例如 10.12345/abc.2024。')], verbose_name='DOI')),
                ('landing_url', models.URLField(blank=True, validators=[django.core.validators.URLValidator(message='访问地址须以 http:// 或 https:// 开头。', schemes=['http', 'https'])], verbose_name='访问地址')),
                ('authors', models.CharField(blank=True, max_length=200, verbose_name='作者')),
                ('publisher', models.CharField(blank=True, max_length=200, verbose_name='出版者/完成单位')),
                ('year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='年份')),
                ('identifier', models.CharField(blank=True, max_length=100, verbose_name='编号（ISBN/ISSN/报告号）')),
                ('source_title', models.CharField(blank=True, max_length=200, verbose_name='刊名/会议/项目')),
                ('natural_kind', models.CharField(blank=True, choices=[('germplasm', '种质资源库'), ('specimen', '标本馆'), ('strain', '菌（毒）种库'), ('other', '其他资源库')], max_length=20, verbose_name='资源库类型')),
                ('collection', models.CharField(blank=True, max_length=200, verbose_name='馆藏/资源库')),
                ('species', models.CharField(blank=True, max_length=200, verbose_name='物种/类别')),
                ('item_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='数量（份/株/号）')),
                ('supply_conditions', models.TextField(blank=True, max_length=1000, verbose_name='供应条件')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('submitted', '待单位确认'), ('returned', '已退回'), ('awaiting_department', '待主管部门审批'), ('awaiting_authority', '待平台审核'), ('published', '已发布'), ('declined', '未获批准'), ('withdrawn', '已撤回发布')], default='draft', max_length=30, verbose_name='状态')),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='发布时间')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='resources', to='organizations.organization', verbose_name='管理单位')),
            ],
            options={
                'verbose_name': '科技资源',
                'verbose_name_plural': '科技资源',
                'ordering': ['-updated_at', '-id'],
                'indexes': [models.Index(fields=['status', 'kind', '-updated_at'], name='resource_public_list'), models.Index(fields=['unit', 'status'], name='resources_r_unit_id_48b5c2_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('licence__in', ['', 'cc0-1.0', 'cc-by-4.0', 'cc-by-nc-4.0', 'odbl-1.0', 'unit-agreement'])), name='resource_licence_in_list'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'dataset'), _negated=True), models.Q(('licence', ''), _negated=True), _connector='OR'), name='resource_dataset_has_licence'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('published_at__isnull', False), _connector='OR'), name='resource_published_has_time'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'dataset'), _negated=True), ('status', 'draft'), models.Q(('doi', ''), _negated=True), models.Q(('landing_url', ''), _negated=True), _connector='OR'), name='resource_dataset_doi_or_url')],
            },
        ),
        migrations.CreateModel(
            name='ResourceRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(editable=False, max_length=20, unique=True, verbose_name='申请编号')),
                ('purpose', models.TextField(max_length=1000, verbose_name='用途说明')),
                ('quantity', models.PositiveIntegerField(default=1, verbose_name='申请数量')),
                ('status', models.CharField(choices=[('requested', '待单位审核'), ('approved', '已同意'), ('declined', '未同意'), ('delivered', '已交付'), ('lent', '已借出'), ('returned', '已归还'), ('withdrawn', '已撤回')], default='requested', max_length=20, verbose_name='状态')),
                ('decision_comment', models.CharField(blank=True, max_length=500, verbose_name='审核意见')),
                ('delivery_note', models.TextField(blank=True, max_length=1000, verbose_name='交付说明')),
                ('delivery_link', models.URLField(blank=True, verbose_name='获取地址')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='申请时间')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='交付时间')),
                ('record', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='resource_request', to='servicerecords.servicerecord')),
                ('resource', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='resources.resource')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('due_back', models.DateField(blank=True, null=True, verbose_name='应还日期')),
                ('returned_at', models.DateTimeField(blank=True, null=True, verbose_name='归还时间')),
                ('shape', models.CharField(choices=[('access', '数据访问'), ('copy', '复制'), ('loan', '借阅'), ('sample', '样品供应')], default='copy', max_length=10, verbose_name='申请方式')),
            ],
            options={
                'verbose_name': '科技资源申请',
                'verbose_name_plural': '科技资源申请',
                'ordering': ['-created_at', '-id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='resource_request_quantity_positive'), models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['delivered', 'lent', 'returned']), _negated=True), ('delivered_at__isnull', False), _connector='OR'), name='resource_request_delivered_has_time'), models.CheckConstraint(condition=models.Q(('shape', 'loan'), models.Q(('status__in', ['lent', 'returned']), _negated=True), _connector='OR'), name='resource_request_loan_states'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'lent'), _negated=True), ('due_back__isnull', False), _connector='OR'), name='resource_request_lent_has_due_date'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'returned'), _negated=True), ('returned_at__isnull', False), _connector='OR'), name='resource_request_returned_has_time')],
            },
        ),
    ]
