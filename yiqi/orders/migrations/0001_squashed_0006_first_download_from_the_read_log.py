import django.core.validators
import django.db.models.deletion
import yiqi.core.storage
import yiqi.orders.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('orders', '0001_initial'), ('orders', '0002_estimated_hours_question_label'), ('orders', '0003_service_record'), ('orders', '0004_fill_service_records'), ('orders', '0005_one_audit_trail'), ('orders', '0006_first_download_from_the_read_log')]

    initial = True

    dependencies = [
        ('accounts', '__first__'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_auditevent'),
        ('organizations', '0001_initial'),
        ('registry', '0004_private_import_files'),
        ('servicerecords', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='OrderFormField',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.SlugField(max_length=40, verbose_name='字段标识')),
                ('label', models.CharField(max_length=100, verbose_name='题目')),
                ('help_text', models.CharField(blank=True, max_length=200, verbose_name='填写说明')),
                ('field_type', models.CharField(choices=[('text', '文本'), ('number', '数字'), ('choice', '单选'), ('boolean', '是/否')], default='text', max_length=20, verbose_name='类型')),
                ('choices', models.TextField(blank=True, help_text='单选题每行一个选项。', verbose_name='选项')),
                ('required', models.BooleanField(default=False, verbose_name='必填')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='顺序')),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='order_form_fields', to='registry.instrument')),
            ],
            options={
                'verbose_name': '委托单字段',
                'verbose_name_plural': '委托单字段',
                'ordering': ['instrument', 'position', 'id'],
                'constraints': [models.UniqueConstraint(fields=('instrument', 'key'), name='order_form_field_key_unique')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='TestOrder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(editable=False, max_length=20, unique=True, verbose_name='委托单号')),
                ('is_internal', models.BooleanField(default=False, editable=False, verbose_name='单位内')),
                ('status', models.CharField(choices=[('submitted', '已提交'), ('quoted', '已报价'), ('confirmed', '用户已确认'), ('samples_received', '已收样'), ('testing', '检测中'), ('results_ready', '结果已发布'), ('completed', '已完成'), ('cancelled', '已取消'), ('rejected', '已拒绝')], default='submitted', max_length=20, verbose_name='状态')),
                ('sample_name', models.CharField(max_length=100, verbose_name='样品名称')),
                ('sample_count', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10000)], verbose_name='样品数量')),
                ('sample_description', models.TextField(max_length=2000, verbose_name='样品描述')),
                ('requirements', models.TextField(max_length=2000, verbose_name='检测要求')),
                ('answers', models.JSONField(blank=True, default=dict, verbose_name='补充信息')),
                ('return_samples', models.BooleanField(default=False, verbose_name='检测后退还样品')),
                ('machine_hours', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10000)], verbose_name='机时（小时）')),
                ('tested_from', models.DateTimeField(blank=True, null=True, verbose_name='检测开始')),
                ('tested_until', models.DateTimeField(blank=True, null=True, verbose_name='检测结束')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='提交时间')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('assigned_staff', models.ManyToManyField(blank=True, related_name='assigned_test_orders', to=settings.AUTH_USER_MODEL, verbose_name='负责人员')),
                ('instrument', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='test_orders', to='registry.instrument')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='test_orders', to=settings.AUTH_USER_MODEL)),
                ('user_organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='用户单位')),
                ('estimated_hours', models.DecimalField(blank=True, decimal_places=2, editable=False, help_text='报价时工作人员估计的机时。', max_digits=8, null=True, verbose_name='预估机时（小时）')),
                ('record', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='test_order', to='servicerecords.servicerecord')),
            ],
            options={
                'verbose_name': '委托测试单',
                'verbose_name_plural': '委托测试单',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['instrument', 'status'], name='orders_test_instrum_e6ecb3_idx'), models.Index(fields=['user', 'created_at'], name='orders_test_user_id_08af2c_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('sample_count__gte', 1)), name='order_sample_count_positive'), models.CheckConstraint(condition=models.Q(('machine_hours__isnull', True), ('machine_hours__gte', 0), _connector='OR'), name='order_machine_hours_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='OrderResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=300, storage=yiqi.core.storage.private_storage, upload_to=yiqi.orders.models.result_path, verbose_name='结果文件')),
                ('original_name', models.CharField(max_length=200, verbose_name='文件名')),
                ('size', models.PositiveBigIntegerField(verbose_name='大小（字节）')),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
                ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='orders.testorder')),
            ],
            options={
                'verbose_name': '检测结果',
                'verbose_name_plural': '检测结果',
                'ordering': ['uploaded_at', 'id'],
                'indexes': [],
                'constraints': [],
            },
        ),
    ]
