from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from huey.contrib.djhuey import task

from .mail import compose


@task(retries=3, retry_delay=60)
def send_email(subject: str, text: str, html: str, addresses: list[str]) -> int:
    """Send one text+HTML message per address: recipients must not see each other's addresses."""
    sent = 0
    for address in addresses:
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach_alternative(html, "text/html")
        sent += message.send()
    return sent


@task()
def send_letter(letter: dict, mailed: dict[str, list[str]]) -> None:
    """Write a notification's email in each of its readers' languages (``mail.compose``) and send each."""
    for language, addresses in mailed.items():
        send_email(*compose(language=language, **letter), addresses)
