import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="deployment",
            name="complaint_working_days",
            field=models.PositiveSmallIntegerField(
                default=10,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(60),
                ],
                verbose_name="投诉办理期限（工作日）",
            ),
        ),
        migrations.AddField(
            model_name="deployment",
            name="complaint_confirmation_working_days",
            field=models.PositiveSmallIntegerField(
                default=10,
                help_text="投诉人在此期限内未确认也未要求重新办理的，投诉自动关闭。",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(60),
                ],
                verbose_name="办结后待确认期限（工作日）",
            ),
        ),
        migrations.AddField(
            model_name="deployment",
            name="waitlist_offer_hours",
            field=models.PositiveSmallIntegerField(
                default=2,
                help_text="空出的时段通知候补用户后，为其保留的时长；到期转给下一位。",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(72),
                ],
                verbose_name="候补名额保留时长（小时）",
            ),
        ),
        migrations.AddField(
            model_name="deployment",
            name="booking_reminder_hours",
            field=models.PositiveSmallIntegerField(
                default=24,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(168),
                ],
                verbose_name="预约提醒提前（小时）",
            ),
        ),
    ]
