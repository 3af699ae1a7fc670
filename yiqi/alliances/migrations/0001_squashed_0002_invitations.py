import django.core.validators
import django.db.models.deletion
import yiqi.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('alliances', '0001_initial'), ('alliances', '0002_invitations')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('organizations', '0004_booking_credit_policy'),
    ]

    operations = [
        migrations.CreateModel(
            name='Alliance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='联盟名称')),
                ('description', models.TextField(blank=True, max_length=2000, verbose_name='简介')),
                ('member_category', models.CharField(blank=True, choices=[('', '按各自标准'), ('internal', '本单位价'), ('academic', '高校和科研院所价')], default='', max_length=20, verbose_name='成员收费类别')),
                ('priority_days', models.PositiveSmallIntegerField(default=0, help_text='成员单位用户可比其他用户多提前这么多天预约。', validators=[django.core.validators.MaxValueValidator(90)], verbose_name='优先预约窗口（天）')),
                ('mutual_qualification', models.BooleanField(default=False, help_text='在一家成员单位取得的同类仪器上机资格，在其他成员单位同样有效。', verbose_name='互认上机资格')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='成立时间')),
                ('created_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('lead_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='led_alliances', to='organizations.organization', verbose_name='牵头单位')),
            ],
            options={
                'verbose_name': '开放共享联盟',
                'verbose_name_plural': '开放共享联盟',
                'ordering': ['name'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('priority_days__lte', 90)), name='alliance_priority_days_range'), models.CheckConstraint(condition=models.Q(('member_category__in', ['', 'internal', 'academic'])), name='alliance_member_category_in_list')],
            },
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('applied', '申请加入'), ('invited', '已邀请'), ('active', '成员'), ('declined', '未同意'), ('left', '已退出')], default='applied', max_length=10, verbose_name='状态')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='申请时间')),
                ('joined_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='加入时间')),
                ('alliance', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='alliances.alliance')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='alliance_memberships', to='organizations.organization', verbose_name='成员单位')),
            ],
            options={
                'verbose_name': '联盟成员',
                'verbose_name_plural': '联盟成员',
                'ordering': ['alliance', 'unit__name', 'id'],
                'indexes': [models.Index(fields=['unit', 'status'], name='alliances_m_unit_id_a58319_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'active'), _negated=True), ('joined_at__isnull', False), _connector='OR'), name='alliance_active_member_has_join_time'), models.UniqueConstraint(condition=models.Q(('status__in', ['applied', 'invited', 'active'])), fields=('alliance', 'unit'), name='alliance_one_live_membership')],
            },
        ),
    ]
