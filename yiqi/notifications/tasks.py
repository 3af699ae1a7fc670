from django.conf import settings
from django.core.mail import send_mail
from huey.contrib.djhuey import task


@task(retries=3, retry_delay=60)
def send_email(subject: str, body: str, addresses: list[str]) -> int:
    # One message per address: recipients must not see each other's addresses.
    return sum(send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses)
