"""Writing notifications: one notice to many people, and one email's text and HTML parts.

    python bench/notification_mail.py           # 200 recipients, half reading English
    python bench/notification_mail.py --full    # 2,000 recipients

In a database of its own (``/tmp/yiqi_bench_mail.sqlite3``, built once). Measured in process: ``notify`` of a
booking notice (kind ``booking``) to every recipient (their inbox rows in their languages and the mails queued, one
per language), and ``notifications.mail.compose`` of that notice's mail per language (templates, facts, links), as
the median of several runs.
"""

import argparse
import json
import os
import sys
import time

from common import manage, run_child, summarise

URL = "sqlite:////tmp/yiqi_bench_mail.sqlite3"
RUNS = 15


def child(recipients: int) -> dict:
    from common import setup_django

    setup_django()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from yiqi.accounts.models import User
    from yiqi.accounts.tests.factories import UserFactory
    from yiqi.booking.services.common import booking_mail, booking_url, when
    from yiqi.booking.tests.factories import BookingFactory
    from yiqi.notifications.mail import compose
    from yiqi.notifications.models import Notification
    from yiqi.notifications.services import Phrase, notify

    people = list(User.objects.filter(username__startswith="bench-mail-")[:recipients])
    for n in range(len(people), recipients):
        people.append(UserFactory(username=f"bench-mail-{n}", language="en" if n % 2 else "zh-hans"))
    booking = BookingFactory(user=people[0])
    from django.utils.translation import gettext_lazy

    subject = Phrase(
        gettext_lazy("预约已确认：%(instrument)s %(when)s"),
        instrument=booking.instrument.name,
        when=when(booking.starts_at, booking.ends_at),
    )
    notify_ms, queries = [], 0
    for _ in range(RUNS):
        with transaction.atomic():
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                notify(people, subject, "", booking_url(booking), **booking_mail(booking, "user"))
            notify_ms.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
            transaction.set_rollback(True)  # no mail leaves, no rows stay
    compose_ms = []
    for n in range(RUNS * 4):
        started = time.perf_counter()
        compose(
            language="en" if n % 2 else "zh-hans",
            subject=subject,
            body="",
            url=booking_url(booking),
            **booking_mail(booking, "user"),
        )
        compose_ms.append((time.perf_counter() - started) * 1000)
    Notification.objects.filter(recipient__in=people).delete()
    return {
        "recipients": recipients,
        "notify": summarise(notify_ms),
        "notify_queries": queries,
        "compose_one_mail": summarise(compose_ms),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        sys.exit()
    manage(URL, "migrate", "--noinput")
    result = json.loads(run_child(os.path.abspath(__file__), URL, "--child", "2000" if args.full else "200"))
    print(json.dumps(result, indent=2))
