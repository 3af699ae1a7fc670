"""What the polling status page reads: the import job's status, counters, error list and place in the queue."""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from yiqi.core.workflow import BULK_LIMIT

from ..models import ImportJob, Instrument, RegistrationStatus


def finish_job(job_id: int, status: str, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **fields)


class JobProgress:
    """Throttled updates of the job's counters for the polling status page.

    Inside the write transaction the job row is updated over a second connection, because the transaction's
    own writes stay invisible until it commits. SQLite has one writer at a time, so there the page just shows
    that the job is writing.
    """

    STEP = 500

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.reported = 0
        self.side = None

    def set(self, **fields) -> None:
        ImportJob.objects.filter(pk=self.job_id).update(**fields)

    def tick(self, processed: int) -> None:
        if processed - self.reported < self.STEP:
            return
        self.reported = processed
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET processed_rows = %s WHERE id = %s",
                    [processed, self.job_id],
                )
        else:
            self.set(processed_rows=processed)

    def __enter__(self):
        if connection.vendor != "sqlite":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        return self

    def __exit__(self, *exc):
        if self.side is not None:
            self.side.close()
            self.side = None


# The task consumer claims a queued job within a second or two; a job left waiting this long while no other
# job is being processed means that no consumer is running.
QUEUE_STALL_SECONDS = 60


@dataclass(frozen=True)
class QueueState:
    ahead: int  # jobs queued before this one
    waiting_seconds: int
    stalled: bool  # nothing is processing the queue


def queue_state(job: ImportJob) -> QueueState | None:
    """Where a queued job stands; None once a consumer has taken it."""
    if job.status != ImportJob.Status.PENDING:
        return None
    now = timezone.now()
    pending = ImportJob.objects.filter(status=ImportJob.Status.PENDING)
    ahead = pending.filter(created_at__lt=job.created_at).count()
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first() or job.created_at
    busy = ImportJob.objects.filter(
        status__in=(ImportJob.Status.VALIDATING, ImportJob.Status.WRITING)
    ).exists()
    stalled = not busy and (now - oldest).total_seconds() >= QUEUE_STALL_SECONDS
    return QueueState(
        ahead=ahead, waiting_seconds=int((now - job.created_at).total_seconds()), stalled=stalled
    )


def imported_drafts(job: ImportJob) -> list[int]:
    """The drafts a finished import created, to submit for review together (records its uploader created in
    the unit while the job ran)."""
    if job.status != ImportJob.Status.DONE or not job.created_count:
        return []
    return list(
        Instrument.objects.filter(
            unit_id=job.unit_id,
            created_by_id=job.uploaded_by_id,
            created_at__range=(job.created_at, job.finished_at),
            registration_status=RegistrationStatus.DRAFT,
        ).values_list("pk", flat=True)[:BULK_LIMIT]
    )
