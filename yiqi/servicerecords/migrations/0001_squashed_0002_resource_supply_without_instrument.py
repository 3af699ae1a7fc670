import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('servicerecords', '0001_initial'), ('servicerecords', '0002_resource_supply_without_instrument')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('organizations', '0004_booking_credit_policy'),
        ('registry', '0008_merge_attachments_and_validators'),
    ]

    operations = [
        migrations.CreateModel(
            name='ServiceRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('self_operation', '自主上机'), ('commissioned_testing', '委托测试'), ('resource_supply', '科技资源服务')], max_length=30, verbose_name='服务方式')),
                ('status', models.CharField(choices=[('open', '进行中'), ('completed', '已完成'), ('closed', '未完成')], default='open', max_length=20, verbose_name='状态')),
                ('is_internal', models.BooleanField(default=False, verbose_name='单位内')),
                ('reference', models.CharField(blank=True, help_text='服务单号或预约时段。', max_length=40, verbose_name='编号')),
                ('content', models.CharField(blank=True, max_length=300, verbose_name='服务内容')),
                ('planned_hours', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='预计机时（小时）')),
                ('sample_count', models.PositiveIntegerField(default=0, verbose_name='样品数')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='实际开始')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='实际结束')),
                ('hours', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='有效机时（小时）')),
                ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='申请时间')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('instrument', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='service_records', to='registry.instrument')),
                ('unit', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='service_records', to='organizations.organization')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='service_records', to=settings.AUTH_USER_MODEL)),
                ('user_organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='用户单位')),
            ],
            options={
                'verbose_name': '服务记录',
                'verbose_name_plural': '服务记录',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['user', 'status'], name='servicereco_user_id_e5eb99_idx'), models.Index(fields=['unit', 'status'], name='servicereco_unit_id_28263f_idx'), models.Index(fields=['instrument', 'created_at'], name='servicereco_instrum_6aae9b_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('planned_hours__gte', 0), models.Q(('hours__isnull', True), ('hours__gte', 0), _connector='OR')), name='service_record_quantities_not_negative'), models.CheckConstraint(condition=models.Q(('ended_at__isnull', True), models.Q(('ended_at__gte', models.F('started_at')), ('started_at__isnull', False)), _connector='OR'), name='service_record_ends_after_start'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'completed'), _negated=True), ('completed_at__isnull', False), _connector='OR'), name='service_record_completed_has_time'), models.CheckConstraint(condition=models.Q(('kind', 'resource_supply'), ('instrument__isnull', False), _connector='OR'), name='service_record_instrument_unless_resource')],
            },
        ),
    ]
