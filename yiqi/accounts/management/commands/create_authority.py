"""``manage.py create_authority``: a deployment's authority from an empty database.

Makes the deployment settings row, the home region, the authority as a department and the first platform
administrator, with a password or (without ``--password``) a one-time link to set it. Running it again with the
same values changes nothing; different values for what exists are refused.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from yiqi.accounts.onboarding import create_authority


class Command(BaseCommand):
    help = "Create the deployment's authority: settings, home region, authority department, first platform admin."

    def add_arguments(self, parser):
        parser.add_argument("--platform-name", required=True, help="e.g. 陕西省科研设施与仪器开放共享平台")
        parser.add_argument("--authority-name", required=True, help="e.g. 陕西省科学技术厅")
        parser.add_argument(
            "--region-code", required=True, help="GB/T 2260 code of the home region, e.g. 610000"
        )
        parser.add_argument("--region-name", required=True, help="e.g. 陕西省")
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--password",
            help="the administrator's password (checked by the password validators); "
            "without it a one-time link to set the password is printed",
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="the platform's address for the printed link, e.g. https://yiqi.example.cn",
        )

    def handle(self, *args, **options):
        if not options["password"] and not options["site_url"].startswith(("http://", "https://")):
            raise CommandError(
                "--site-url (http:// or https://) is needed to print the link when no --password"
            )
        try:
            setup = create_authority(
                platform_name=options["platform_name"].strip(),
                authority_name=options["authority_name"].strip(),
                region_code=options["region_code"],
                region_name=options["region_name"],
                username=options["username"].strip(),
                email=options["email"],
                password=options["password"],
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(problems) from None
        if setup.created:
            self.stdout.write(self.style.SUCCESS(f"Created: {', '.join(setup.created)}."))
        else:
            self.stdout.write("Everything already exists; nothing changed.")
        admin = setup.admin
        if not admin.has_usable_password():
            path = reverse(
                "accounts:password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(admin.pk)),
                    "token": default_token_generator.make_token(admin),
                },
            )
            hours = settings.PASSWORD_RESET_TIMEOUT // 3600
            self.stdout.write(
                f"Platform administrator {admin.username}: set the password within {hours} hours at\n"
                f"{urljoin(options['site_url'], path)}"
            )
        else:
            self.stdout.write(f"Platform administrator {admin.username} can log in with the password given.")
