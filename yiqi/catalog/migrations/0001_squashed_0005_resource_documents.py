import django.db.migrations.operations.special
from django.db import migrations, models


# From 0003_kinds_and_collapsing: on a new database it loads every shipped synonym with its classes.
def load_categories(apps, schema_editor):
    """Give the shipped entries their classification codes; add the shipped entries the table lacks."""
    from yiqi.catalog.synonyms import shipped_entries

    Synonym = apps.get_model("catalog", "Synonym")
    existing = {s.words: s for s in Synonym.objects.all()}
    new = []
    for entry in shipped_entries():
        row = existing.get(entry.words)
        if row is None:
            new.append(Synonym(words=entry.words, expands_to=entry.expands_to, categories=entry.categories))
        elif not row.categories and entry.categories:
            row.categories = entry.categories
            row.save(update_fields=["categories"])
    Synonym.objects.bulk_create(new)


class Migration(migrations.Migration):

    replaces = [('catalog', '0001_initial'), ('catalog', '0002_load_synonyms'), ('catalog', '0003_kinds_and_collapsing'), ('catalog', '0004_domestic_facet'), ('catalog', '0005_resource_documents')]

    initial = True

    dependencies = [
        ('registry', '0010_domestic_flags'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndexChange',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('instrument_id', models.BigIntegerField()),
            ],
            options={
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='PinyinKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64)),
                ('text', models.CharField(max_length=64)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('key', 'text'), name='catalog_pinyin_unique')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='PostingBlock',
            fields=[
                ('term', models.IntegerField(primary_key=True, serialize=False)),
                ('docs', models.BinaryField()),
                ('weights', models.BinaryField()),
            ],
            options={
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='ResourceDocument',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('kind', models.CharField(max_length=20)),
                ('name', models.CharField(max_length=200)),
                ('description', models.CharField(default='', max_length=300)),
                ('unit_id', models.BigIntegerField()),
                ('unit_name', models.CharField(max_length=100)),
                ('subject', models.CharField(default='', max_length=100)),
                ('access_level', models.CharField(default='', max_length=20)),
                ('licence', models.CharField(default='', max_length=20)),
                ('data_format', models.CharField(default='', max_length=50)),
                ('natural_kind', models.CharField(default='', max_length=20)),
                ('species', models.CharField(default='', max_length=200)),
                ('year', models.IntegerField(null=True)),
                ('published_at', models.DateTimeField(null=True)),
                ('terms', models.TextField(default='')),
            ],
            options={
                'indexes': [models.Index(fields=['kind', '-published_at', '-id'], name='catalog_resource_kind')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('name', models.CharField(max_length=100)),
                ('category', models.CharField(max_length=6)),
                ('region', models.CharField(max_length=6)),
                ('unit_id', models.BigIntegerField()),
                ('unit_name', models.CharField(max_length=100)),
                ('unit_kind', models.CharField(max_length=20)),
                ('original_value', models.DecimalField(decimal_places=2, max_digits=14)),
                ('offers_self_operation', models.BooleanField()),
                ('offers_commissioned_testing', models.BooleanField()),
                ('sharing_mode', models.CharField(max_length=20)),
                ('operating_status', models.CharField(max_length=20)),
                ('published_at', models.DateTimeField(null=True)),
                ('quality', models.IntegerField(default=0)),
                ('terms', models.BinaryField()),
                ('dirty', models.BooleanField(default=False)),
                ('free_minutes', models.IntegerField(default=0)),
                ('model', models.CharField(default='', max_length=100)),
                ('name_en', models.CharField(default='', max_length=200)),
                ('domestic_core_parts', models.BooleanField(default=False)),
                ('domestic_original', models.BooleanField(default=False)),
                ('made_in_china', models.BooleanField(default=False)),
            ],
            options={
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='SearchPosting',
            fields=[
                ('pk', models.CompositePrimaryKey('doc', 'term', blank=True, editable=False, primary_key=True, serialize=False)),
                ('doc', models.BigIntegerField()),
                ('term', models.IntegerField()),
                ('weight', models.SmallIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['term', 'doc', 'weight'], name='catalog_posting_term')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='SearchTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(max_length=64, unique=True)),
                ('df', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='SpellKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=40)),
                ('term', models.CharField(max_length=40)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('key', 'term'), name='catalog_spell_unique')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='Synonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('words', models.CharField(help_text='以逗号分隔，例如：SEM, 扫描电镜, 扫描电子显微镜。检索任一词时同时检索其余各词。', max_length=500, verbose_name='同义词')),
                ('expands_to', models.CharField(blank=True, help_text='可选，以逗号分隔。填写后为单向：检索“同义词”中的词时也检索这些词，反之不然。', max_length=500, verbose_name='单向扩展为')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                ('enabled', models.BooleanField(default=True, verbose_name='启用')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('categories', models.CharField(blank=True, help_text='以空格分隔的仪器分类代码（小类或中类），例如：010102。检索这些词时，该分类的仪器排在前面。', max_length=200, verbose_name='对应分类')),
            ],
            options={
                'verbose_name': '检索同义词',
                'verbose_name_plural': '检索同义词',
                'ordering': ['id'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.RunPython(
            code=load_categories,
            reverse_code=django.db.migrations.operations.special.RunPython.noop,
        ),
    ]
