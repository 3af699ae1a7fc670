#!/usr/bin/env bash
# Nightly backup of Yiqi (run by deploy/systemd/yiqi-backup.timer, or by hand):
#   - the database: PostgreSQL with `pg_dump -Fc` (custom format: compressed, restorable table by table),
#     SQLite (the embedded default) with its online `.backup` (consistent while the site runs);
#   - the uploaded files: MEDIA_ROOT and the private files, one .tar.gz each;
#   - rotation: the newest YIQI_BACKUP_KEEP (default 14) of each kind are kept.
# Every file is written under a temporary name, checked (pg_restore --list / PRAGMA integrity_check) and only then
# given its final name, so a failed night never replaces a good backup. The database file's path is printed last.
#
# Environment (the same file as the services: /etc/yiqi/yiqi.env):
#   DATABASE_URL                 postgres://user:pass@host:5432/yiqi, or unset / sqlite:////path for SQLite
#   YIQI_BACKUP_DIR              where backups go (default: var/backups in the checkout)
#   YIQI_BACKUP_KEEP             how many of each kind to keep (default 14)
#   YIQI_BACKUP_FILES            1 (default) to back up the uploaded files too, 0 for the database only
#   DJANGO_MEDIA_ROOT, DJANGO_PRIVATE_MEDIA_ROOT   as in the app (default var/media, var/private)
# Restore: deploy/restore.sh FILE [TARGET_DATABASE_URL]
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BACKUP_DIR="${YIQI_BACKUP_DIR:-$ROOT/var/backups}"
KEEP="${YIQI_BACKUP_KEEP:-14}"
FILES="${YIQI_BACKUP_FILES:-1}"
STAMP="$(date +%Y%m%d-%H%M%S)"
DATABASE_URL="${DATABASE_URL:-sqlite:///$ROOT/var/yiqi.sqlite3}"

log() { echo "backup: $*" >&2; }
fail() { echo "backup: ERROR: $*" >&2; exit 1; }
[[ "$KEEP" =~ ^[1-9][0-9]*$ ]] || fail "YIQI_BACKUP_KEEP must be a positive number, not '$KEEP'"
mkdir -p "$BACKUP_DIR"

# Keep the newest $KEEP files matching a pattern, delete the older ones.
rotate() {
  local pattern="$1"
  # shellcheck disable=SC2012  # names are ours: yiqi-<kind>-<stamp>.<ext>, no spaces
  ls -1t "$BACKUP_DIR"/$pattern 2>/dev/null | tail -n +"$((KEEP + 1))" | while read -r old; do
    log "rotating out $(basename "$old")"
    rm -f -- "$old"
  done
}

sqlite_path() {  # sqlite:////abs/path or sqlite:///relative/path (relative to the checkout, as the app reads it)
  local path="${1#sqlite://}"
  path="${path#/}"
  [[ "$path" == /* ]] || path="$ROOT/$path"
  echo "$path"
}

case "$DATABASE_URL" in
  postgres://* | postgresql://* | pgsql://*)
    url="${DATABASE_URL/#pgsql:/postgresql:}"
    target="$BACKUP_DIR/yiqi-db-$STAMP.dump"
    log "pg_dump -Fc → $(basename "$target")"
    pg_dump --format=custom --compress=6 --no-owner --dbname="$url" --file="$target.part"
    pg_restore --list "$target.part" >/dev/null || fail "the dump is not readable"
    mv "$target.part" "$target"
    rotate 'yiqi-db-*.dump'
    ;;
  sqlite://*)
    source_db="$(sqlite_path "$DATABASE_URL")"
    [ -f "$source_db" ] || fail "no SQLite database at $source_db"
    target="$BACKUP_DIR/yiqi-db-$STAMP.sqlite3"
    log "sqlite3 .backup → $(basename "$target")"
    sqlite3 "$source_db" ".timeout 60000" ".backup '$target.part'"
    [ "$(sqlite3 "$target.part" 'PRAGMA integrity_check;')" = "ok" ] || fail "the copy fails its integrity check"
    mv "$target.part" "$target"
    rotate 'yiqi-db-*.sqlite3'
    ;;
  *)
    fail "DATABASE_URL must be postgres://… or sqlite://…"
    ;;
esac

if [ "$FILES" = "1" ]; then
  for kind in media private; do
    if [ "$kind" = media ]; then dir="${DJANGO_MEDIA_ROOT:-$ROOT/var/media}"; else dir="${DJANGO_PRIVATE_MEDIA_ROOT:-$ROOT/var/private}"; fi
    [ -d "$dir" ] || continue
    archive="$BACKUP_DIR/yiqi-$kind-$STAMP.tar.gz"
    log "$kind files ($dir) → $(basename "$archive")"
    tar -czf "$archive.part" -C "$dir" .
    mv "$archive.part" "$archive"
    rotate "yiqi-$kind-*.tar.gz"
  done
fi

echo "$target"
