import django.contrib.auth.models
import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
import yiqi.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('accounts', '0001_initial'), ('accounts', '0002_invitations_and_join_requests'), ('accounts', '0002_drop_plain_api_tokens'), ('accounts', '0003_merge_tokens_and_membership'), ('accounts', '0002_plain_names'), ('accounts', '0004_merge_plain_names'), ('accounts', '0005_user_language'), ('accounts', '0006_national_identity'), ('accounts', '0007_department_admin_invitations')]

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('organizations', '0004_booking_credit_policy'),
    ]

    operations = [
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                ('full_name', models.CharField(blank=True, max_length=50, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='姓名')),
                ('phone', models.CharField(blank=True, max_length=20, validators=[yiqi.core.validators.PlainTextValidator()], verbose_name='手机号')),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
                ('language', models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], default='zh-hans', max_length=10, verbose_name='消息语言')),
            ],
            options={
                'verbose_name': '用户',
                'verbose_name_plural': '用户',
                'indexes': [],
                'constraints': [],
            },
            managers=[
                ('objects', django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='受邀邮箱')),
                ('role', models.CharField(choices=[('department_admin', '主管部门管理员'), ('unit_admin', '单位管理员'), ('information_officer', '信息员'), ('instrument_manager', '机组负责人'), ('technician', '实验技术人员'), ('external_user', '用户')], max_length=30, verbose_name='角色')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('status', models.CharField(choices=[('pending', '待接受'), ('accepted', '已接受'), ('revoked', '已撤销')], default='pending', max_length=20, verbose_name='状态')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='邀请时间')),
                ('expires_at', models.DateTimeField(verbose_name='有效期至')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='接受时间')),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='接受人')),
                ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='邀请人')),
                ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='organizations.organization', verbose_name='单位')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='organizations.department', verbose_name='主管部门')),
            ],
            options={
                'verbose_name': '成员邀请',
                'verbose_name_plural': '成员邀请',
                'ordering': ['-created_at'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('department__isnull', False), ('organization__isnull', True), ('role__in', ['department_admin'])), models.Q(('department__isnull', True), ('organization__isnull', False), ('role__in', ['unit_admin', 'information_officer', 'instrument_manager', 'technician', 'external_user'])), _connector='OR'), name='invitation_scope_matches_role')],
            },
        ),
        migrations.CreateModel(
            name='JoinRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('message', models.CharField(blank=True, max_length=200, verbose_name='申请说明')),
                ('status', models.CharField(choices=[('pending', '待审核'), ('approved', '已批准'), ('rejected', '已拒绝')], default='pending', max_length=20, verbose_name='状态')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='申请时间')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='join_requests', to='organizations.organization', verbose_name='单位')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='join_requests', to=settings.AUTH_USER_MODEL, verbose_name='申请人')),
            ],
            options={
                'verbose_name': '加入单位申请',
                'verbose_name_plural': '加入单位申请',
                'ordering': ['-created_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('user', 'organization'), name='one_pending_join_request')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='NationalIdentity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject', models.CharField(max_length=255, unique=True, verbose_name='国家平台账号标识')),
                ('linked_at', models.DateTimeField(auto_now_add=True)),
                ('last_signed_in_at', models.DateTimeField(blank=True, null=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='national_identity', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '国家平台账号',
                'verbose_name_plural': '国家平台账号',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='RoleAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('platform_admin', '平台管理员'), ('department_admin', '主管部门管理员'), ('unit_admin', '单位管理员'), ('information_officer', '信息员'), ('instrument_manager', '机组负责人'), ('technician', '实验技术人员'), ('external_user', '用户'), ('expert', '评议专家'), ('evaluator', '评价人员')], max_length=30, verbose_name='角色')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='role_assignments', to='organizations.department', verbose_name='主管部门')),
                ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='role_assignments', to='organizations.organization', verbose_name='单位')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_assignments', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '角色分配',
                'verbose_name_plural': '角色分配',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('department__isnull', True), ('organization__isnull', True), ('role__in', ['platform_admin', 'expert', 'evaluator'])), models.Q(('department__isnull', False), ('organization__isnull', True), ('role__in', ['department_admin'])), models.Q(('department__isnull', True), ('organization__isnull', False), ('role__in', ['unit_admin', 'information_officer', 'instrument_manager', 'technician', 'external_user'])), _connector='OR'), name='role_assignment_scope_matches_role'), models.UniqueConstraint(condition=models.Q(('organization__isnull', False)), fields=('user', 'role', 'organization'), name='role_unique_per_organization'), models.UniqueConstraint(condition=models.Q(('department__isnull', False)), fields=('user', 'role', 'department'), name='role_unique_per_department'), models.UniqueConstraint(condition=models.Q(('department__isnull', True), ('organization__isnull', True)), fields=('user', 'role'), name='global_role_unique')],
                'indexes': [],
            },
        ),
    ]
