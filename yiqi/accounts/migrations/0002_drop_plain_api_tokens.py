"""API tokens are now stored hashed (django-rest-knox, table knox_authtoken).

DRF's plain ``authtoken_token`` table held every key in clear text; it is dropped, not converted (a key cannot be
recovered from a digest-only store and should not be kept in clear). Users issue new tokens on their profile page
or through ``POST /api/v1/auth/token/``.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop, elidable=True),
    ]
