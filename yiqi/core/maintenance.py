"""Database housekeeping that both engines need but neither does on its own right after bulk writes."""

from django.db import connection


def refresh_planner_statistics() -> None:
    """Let the query planner see the data as it is now.

    SQLite keeps no statistics until ANALYZE runs, and without them picks the wrong index for filtered lists
    (a 110,000-row count took 80 ms instead of 10). PostgreSQL's autovacuum gets there eventually; after a bulk
    load (demo data, a large import) we do not wait for it.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
