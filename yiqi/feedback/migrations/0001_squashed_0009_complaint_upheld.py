import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('feedback', '0001_initial'), ('feedback', '0002_initial'), ('feedback', '0003_complaint_steps_and_rater_kind'), ('feedback', '0004_delete_complaintsequence'), ('feedback', '0005_service_record'), ('feedback', '0006_link_service_records'), ('feedback', '0007_one_audit_trail'), ('feedback', '0008_rating_without_instrument'), ('feedback', '0009_complaint_upheld')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('booking', '0004_fill_service_records'),
        ('orders', '0004_fill_service_records'),
        ('organizations', '0001_initial'),
        ('registry', '0008_merge_attachments_and_validators'),
        ('servicerecords', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Complaint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(editable=False, max_length=20, unique=True, verbose_name='投诉编号')),
                ('subject', models.CharField(max_length=100, verbose_name='投诉事项')),
                ('description', models.TextField(max_length=3000, verbose_name='详细情况')),
                ('status', models.CharField(choices=[('open', '待处理'), ('in_progress', '处理中'), ('resolved', '已办结'), ('closed', '已关闭')], default='open', max_length=20, verbose_name='状态')),
                ('due_on', models.DateField(verbose_name='办理期限')),
                ('outcome', models.TextField(blank=True, max_length=3000, verbose_name='处理结果')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='办结时间')),
                ('escalated_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='逾期提醒时间')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='投诉时间')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('complainant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to=settings.AUTH_USER_MODEL)),
                ('instrument', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints', to='registry.instrument')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='organizations.organization')),
                ('auto_close_on', models.DateField(blank=True, editable=False, null=True, verbose_name='自动关闭日期')),
                ('reopened_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='重新办理时间')),
                ('record', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints', to='servicerecords.servicerecord', verbose_name='相关服务')),
                ('upheld', models.BooleanField(blank=True, editable=False, null=True, verbose_name='投诉是否成立')),
            ],
            options={
                'verbose_name': '投诉',
                'verbose_name_plural': '投诉',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['unit', 'status'], name='feedback_co_unit_id_133b9b_idx'), models.Index(fields=['status', 'due_on'], name='feedback_co_status_f80faf_idx')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Rating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('overall', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='总体评价')),
                ('timeliness', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='及时性')),
                ('attitude', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='服务态度')),
                ('result_quality', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='结果质量')),
                ('comment', models.TextField(blank=True, max_length=1000, verbose_name='评价内容')),
                ('reply', models.TextField(blank=True, max_length=1000, verbose_name='单位回复')),
                ('replied_at', models.DateTimeField(blank=True, null=True, verbose_name='回复时间')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='评价时间')),
                ('instrument', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='ratings', to='registry.instrument')),
                ('replied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='ratings', to='organizations.organization')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ratings', to=settings.AUTH_USER_MODEL)),
                ('rater_kind', models.CharField(blank=True, choices=[('university', '高等院校'), ('research_institute', '科研院所'), ('enterprise', '企业'), ('hospital', '医疗卫生机构'), ('other', '其他')], editable=False, max_length=20, verbose_name='评价人单位类型')),
                ('record', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='rating', to='servicerecords.servicerecord')),
            ],
            options={
                'verbose_name': '用户评价',
                'verbose_name_plural': '用户评价',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['instrument', 'created_at'], name='feedback_ra_instrum_2bb6c0_idx'), models.Index(fields=['unit', 'created_at'], name='feedback_ra_unit_id_5364f3_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('overall__gte', 1), ('overall__lte', 5), ('timeliness__gte', 1), ('timeliness__lte', 5), ('attitude__gte', 1), ('attitude__lte', 5), ('result_quality__gte', 1), ('result_quality__lte', 5)), name='rating_scores_in_range')],
            },
        ),
    ]
