import django.core.validators
import django.db.models.deletion
import yiqi.booking.models
import yiqi.core.validators
from django.conf import settings
from django.db import migrations, models


# From 0002_no_overlap_on_postgresql: PostgreSQL refuses two slot-holding bookings of one instrument whose times overlap.
SLOT_HOLDING = "('requested', 'confirmed', 'checked_in', 'completed')"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_booking ADD CONSTRAINT booking_no_overlap
    EXCLUDE USING gist (instrument_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN {SLOT_HOLDING});
"""
DROP = "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    replaces = [('booking', '0001_initial'), ('booking', '0002_no_overlap_on_postgresql'), ('booking', '0003_service_record'), ('booking', '0004_fill_service_records'), ('booking', '0005_one_audit_trail'), ('booking', '0006_qualification_dates_in_range'), ('booking', '0006_blackout_soft_delete_revoked_by'), ('booking', '0007_merge_audit_and_dates'), ('booking', '0008_booking_credit')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_auditevent'),
        ('organizations', '0004_booking_credit_policy'),
        ('registry', '0004_private_import_files'),
        ('servicerecords', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Blackout',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('maintenance', '维护保养'), ('blackout', '暂停开放'), ('internal', '本单位保留')], default='maintenance', max_length=20, verbose_name='类型')),
                ('starts_at', models.DateTimeField(verbose_name='开始时间')),
                ('ends_at', models.DateTimeField(verbose_name='结束时间')),
                ('reason', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='blackouts', to='registry.instrument')),
                ('removed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='删除时间')),
                ('removed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='删除人')),
            ],
            options={
                'verbose_name': '停机/保留时段',
                'verbose_name_plural': '停机/保留时段',
                'ordering': ['starts_at'],
                'indexes': [models.Index(fields=['instrument', 'starts_at'], name='booking_bla_instrum_e82c8d_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='blackout_ends_after_start', violation_error_message='结束时间必须晚于开始时间。')],
            },
        ),
        migrations.CreateModel(
            name='Booking',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_internal', models.BooleanField(default=False, editable=False, verbose_name='校内/单位内')),
                ('status', models.CharField(choices=[('requested', '待审核'), ('confirmed', '已确认'), ('checked_in', '使用中'), ('completed', '已完成'), ('cancelled', '已取消'), ('rejected', '未通过'), ('no_show', '爽约')], default='requested', max_length=20, verbose_name='状态')),
                ('starts_at', models.DateTimeField(verbose_name='开始时间')),
                ('ends_at', models.DateTimeField(verbose_name='结束时间')),
                ('purpose', models.CharField(max_length=300, verbose_name='用途/实验内容')),
                ('sample_count', models.PositiveIntegerField(default=0, verbose_name='样品数')),
                ('series', models.UUIDField(blank=True, db_index=True, editable=False, null=True, verbose_name='周期预约')),
                ('actual_start', models.DateTimeField(blank=True, null=True, verbose_name='实际开始')),
                ('actual_end', models.DateTimeField(blank=True, null=True, verbose_name='实际结束')),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('reminder_sent_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='申请时间')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bookings', to='registry.instrument')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bookings', to=settings.AUTH_USER_MODEL)),
                ('user_organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='用户单位')),
                ('record', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='booking', to='servicerecords.servicerecord')),
                ('ended_automatically', models.BooleanField(default=False, editable=False, verbose_name='系统自动结束')),
            ],
            options={
                'verbose_name': '预约',
                'verbose_name_plural': '预约',
                'ordering': ['starts_at', 'id'],
                'indexes': [models.Index(fields=['instrument', 'starts_at'], name='booking_boo_instrum_495cf4_idx'), models.Index(fields=['user', 'starts_at'], name='booking_boo_user_id_8de0c0_idx'), models.Index(fields=['status', 'starts_at'], name='booking_boo_status_388aa0_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='booking_ends_after_start', violation_error_message='结束时间必须晚于开始时间。'), models.CheckConstraint(condition=models.Q(('actual_end__isnull', True), models.Q(('actual_end__gt', models.F('actual_start')), ('actual_start__isnull', False)), _connector='OR'), name='booking_actual_end_after_start', violation_error_message='实际结束时间必须晚于实际开始时间。')],
            },
        ),
        migrations.CreateModel(
            name='BookingSuspension',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('active', '暂停中'), ('appealed', '申诉中'), ('upheld', '申诉未获支持'), ('lifted', '已解除'), ('expired', '已到期')], default='active', max_length=20, verbose_name='状态')),
                ('starts_at', models.DateTimeField(verbose_name='开始时间')),
                ('ends_at', models.DateTimeField(verbose_name='结束时间')),
                ('reason', models.CharField(max_length=300, verbose_name='原因')),
                ('appeal', models.TextField(blank=True, max_length=1000, verbose_name='申诉理由')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='booking_suspensions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '预约资格暂停',
                'verbose_name_plural': '预约资格暂停',
                'ordering': ['-starts_at', '-id'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='suspension_ends_after_start', violation_error_message='结束时间必须晚于开始时间。'), models.UniqueConstraint(condition=models.Q(('status__in', ['active', 'appealed', 'upheld'])), fields=('user',), name='one_open_suspension_per_user')],
            },
        ),
        migrations.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(default=yiqi.booking.models.new_feed_token, max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feed', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '日历订阅',
                'verbose_name_plural': '日历订阅',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='OpenHours',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('weekday', models.PositiveSmallIntegerField(choices=[(0, '星期一'), (1, '星期二'), (2, '星期三'), (3, '星期四'), (4, '星期五'), (5, '星期六'), (6, '星期日')], verbose_name='星期')),
                ('start_minute', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(1439)], verbose_name='开始')),
                ('end_minute', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(1440)], verbose_name='结束')),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='open_hours', to='registry.instrument')),
            ],
            options={
                'verbose_name': '开放时间',
                'verbose_name_plural': '开放时间',
                'ordering': ['instrument', 'weekday', 'start_minute'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('end_minute__gt', models.F('start_minute')), ('end_minute__lte', 1440), ('start_minute__gte', 0), ('weekday__lte', 6)), name='open_hours_period_valid', violation_error_message='结束时间必须晚于开始时间。'), models.UniqueConstraint(fields=('instrument', 'weekday', 'start_minute'), name='open_hours_unique_start')],
            },
        ),
        migrations.CreateModel(
            name='Qualification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('trained_on', models.DateField(validators=[yiqi.core.validators.DateRangeValidator(past=True)], verbose_name='培训日期')),
                ('expires_on', models.DateField(validators=[yiqi.core.validators.DateRangeValidator()], verbose_name='有效期至')),
                ('training_record', models.CharField(blank=True, max_length=300, verbose_name='培训记录')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='撤销时间')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('granted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='qualifications', to='registry.instrument')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='instrument_qualifications', to=settings.AUTH_USER_MODEL)),
                ('revoked_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='撤销人')),
            ],
            options={
                'verbose_name': '上机资格',
                'verbose_name_plural': '上机资格',
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('instrument', 'user'), name='qualification_unique_per_user'), models.CheckConstraint(condition=models.Q(('expires_on__gte', models.F('trained_on'))), name='qualification_expires_after_training', violation_error_message='有效期不能早于培训日期。')],
            },
        ),
        migrations.CreateModel(
            name='ServiceSettings',
            fields=[
                ('instrument', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='service_settings', serialize=False, to='registry.instrument')),
                ('bookings_open', models.BooleanField(default=True, verbose_name='接受在线预约')),
                ('slot_minutes', models.PositiveSmallIntegerField(choices=[(15, '15 分钟'), (30, '30 分钟'), (60, '1 小时'), (240, '4 小时')], default=30, verbose_name='时间粒度')),
                ('min_booking_minutes', models.PositiveIntegerField(default=30, validators=[django.core.validators.MinValueValidator(15)], verbose_name='最短预约时长（分钟）')),
                ('max_booking_minutes', models.PositiveIntegerField(default=480, validators=[django.core.validators.MaxValueValidator(20160)], verbose_name='最长预约时长（分钟）')),
                ('lead_time_hours', models.PositiveIntegerField(default=2, validators=[django.core.validators.MaxValueValidator(2160)], verbose_name='至少提前（小时）')),
                ('horizon_days', models.PositiveIntegerField(default=30, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(366)], verbose_name='最多提前（天）')),
                ('cancellation_cutoff_hours', models.PositiveIntegerField(default=4, validators=[django.core.validators.MaxValueValidator(720)], verbose_name='开始前多少小时内不可取消')),
                ('weekly_quota_hours', models.PositiveIntegerField(blank=True, help_text='留空表示不限。', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(168)], verbose_name='每人每周最多（小时）')),
                ('internal_reserved_percent', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(100)], verbose_name='保留给本单位教学科研的机时比例（%）')),
                ('requires_approval', models.BooleanField(default=True, verbose_name='预约需审核')),
                ('closed_on_holidays', models.BooleanField(default=True, verbose_name='法定节假日不开放')),
                ('requires_qualification', models.BooleanField(default=True, verbose_name='自主上机须具备上机资格')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': '预约设置',
                'verbose_name_plural': '预约设置',
                'constraints': [models.CheckConstraint(condition=models.Q(('max_booking_minutes__gte', models.F('min_booking_minutes'))), name='booking_length_range_valid', violation_error_message='最长预约时长不能小于最短预约时长。'), models.CheckConstraint(condition=models.Q(('internal_reserved_percent__lte', 100)), name='internal_reserved_percent_range')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='WaitlistEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_at', models.DateTimeField(verbose_name='开始时间')),
                ('ends_at', models.DateTimeField(verbose_name='结束时间')),
                ('purpose', models.CharField(blank=True, max_length=300, verbose_name='用途/实验内容')),
                ('status', models.CharField(choices=[('waiting', '等候中'), ('offered', '已通知'), ('accepted', '已预约'), ('expired', '已过期'), ('cancelled', '已取消')], default='waiting', max_length=20, verbose_name='状态')),
                ('offered_at', models.DateTimeField(blank=True, null=True)),
                ('offer_expires_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='waitlist', to='registry.instrument')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='waitlist_entries', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '候补',
                'verbose_name_plural': '候补',
                'ordering': ['created_at', 'id'],
                'indexes': [models.Index(fields=['instrument', 'status', 'starts_at'], name='booking_wai_instrum_b1622c_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='waitlist_ends_after_start')],
            },
        ),
        migrations.CreateModel(
            name='CreditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('no_show', '爽约'), ('late_cancellation', '临时取消')], max_length=20, verbose_name='类型')),
                ('occurred_at', models.DateTimeField(verbose_name='发生时间')),
                ('booking', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='credit_event', to='booking.booking')),
                ('suspension', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='booking.bookingsuspension')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credit_events', to=settings.AUTH_USER_MODEL)),
                ('user_organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='用户单位')),
            ],
            options={
                'verbose_name': '信用记录',
                'verbose_name_plural': '信用记录',
                'ordering': ['-occurred_at', '-id'],
                'indexes': [models.Index(fields=['user', 'occurred_at'], name='booking_cre_user_id_fe467a_idx'), models.Index(fields=['occurred_at'], name='booking_cre_occurre_8e7282_idx'), models.Index(fields=['unit', 'occurred_at'], name='booking_cre_unit_id_d0ee2a_idx')],
                'constraints': [],
            },
        ),
        migrations.RunPython(
            code=forwards,
            reverse_code=backwards,
        ),
    ]
