from django.urls import reverse

from yiqi.accounts.tests.factories import UserFactory
from yiqi.notifications.services import notify


def test_inbox_shows_own_messages_and_marks_them_read(client, db):
    alice, bob = UserFactory(), UserFactory()
    notify([alice], "给 Alice 的消息", "正文")
    notify([bob], "给 Bob 的消息")
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "给 Alice 的消息" in page and "给 Bob 的消息" not in page
    client.post(reverse("notifications:inbox"))
    assert not alice.notifications.filter(read_at__isnull=True).exists()
    assert bob.notifications.filter(read_at__isnull=True).exists()


def test_marking_someone_elses_message_changes_nothing(client, db):
    alice, bob = UserFactory(), UserFactory()
    [note] = notify([bob], "给 Bob 的消息")
    client.force_login(alice)
    client.post(reverse("notifications:inbox"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None
