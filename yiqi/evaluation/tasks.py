"""Background tasks of the evaluation (Huey; inline in tests)."""

from huey.contrib.djhuey import db_task

from .services import notices


@db_task()
def send_notices(event: str, keys: list[int]) -> None:
    for key in keys:
        notices.tell(event, key)
