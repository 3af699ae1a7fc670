#!/usr/bin/env bash
# Restore a Yiqi backup made by deploy/backup.sh.
#   deploy/restore.sh yiqi-db-<stamp>.dump    [TARGET_DATABASE_URL]   PostgreSQL (pg_restore)
#   deploy/restore.sh yiqi-db-<stamp>.sqlite3 [TARGET_DATABASE_URL]   SQLite (file copy, integrity-checked)
#   deploy/restore.sh yiqi-media-<stamp>.tar.gz | yiqi-private-<stamp>.tar.gz      uploaded files
# TARGET_DATABASE_URL defaults to DATABASE_URL. The target database must exist and be empty (`createdb NAME`), or
# YIQI_RESTORE_OVERWRITE=1 replaces what it holds. Stop yiqi-web and yiqi-tasks first when restoring in place.
# The restore runs in one transaction: it lands whole or not at all.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
fail() { echo "restore: ERROR: $*" >&2; exit 1; }
log() { echo "restore: $*" >&2; }

[ $# -ge 1 ] && [ $# -le 2 ] || fail "usage: $0 BACKUP_FILE [TARGET_DATABASE_URL]"
backup="$1"
[ -f "$backup" ] || fail "no such file: $backup"
target_url="${2:-${DATABASE_URL:-sqlite:///$ROOT/var/yiqi.sqlite3}}"
overwrite="${YIQI_RESTORE_OVERWRITE:-0}"

sqlite_path() {
  local path="${1#sqlite://}"
  path="${path#/}"
  [[ "$path" == /* ]] || path="$ROOT/$path"
  echo "$path"
}

case "$backup" in
  *.dump)
    case "$target_url" in postgres://* | postgresql://* | pgsql://*) ;; *) fail "a .dump restores into PostgreSQL only" ;; esac
    url="${target_url/#pgsql:/postgresql:}"
    tables="$(psql --dbname="$url" -Atc "select count(*) from pg_tables where schemaname = 'public'")"
    clean=()
    if [ "$tables" != "0" ]; then
      [ "$overwrite" = "1" ] || fail "the target database holds $tables tables; YIQI_RESTORE_OVERWRITE=1 replaces them"
      clean=(--clean --if-exists)
    fi
    log "pg_restore $(basename "$backup") → ${url%%\?*}"
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${clean[@]}" \
      --dbname="$url" "$backup"
    ;;
  *.sqlite3)
    case "$target_url" in sqlite://*) ;; *) fail "a .sqlite3 backup restores into SQLite only" ;; esac
    [ "$(sqlite3 "$backup" 'PRAGMA integrity_check;')" = "ok" ] || fail "the backup fails its integrity check"
    target="$(sqlite_path "$target_url")"
    if [ -e "$target" ]; then
      [ "$overwrite" = "1" ] || fail "$target exists; YIQI_RESTORE_OVERWRITE=1 replaces it"
    fi
    log "$(basename "$backup") → $target"
    cp -- "$backup" "$target.restoring"
    rm -f -- "$target-wal" "$target-shm"
    mv -- "$target.restoring" "$target"
    ;;
  *.tar.gz)
    case "$(basename "$backup")" in
      yiqi-media-*) dir="${DJANGO_MEDIA_ROOT:-$ROOT/var/media}" ;;
      yiqi-private-*) dir="${DJANGO_PRIVATE_MEDIA_ROOT:-$ROOT/var/private}" ;;
      *) fail "not a yiqi-media-… or yiqi-private-… archive" ;;
    esac
    mkdir -p "$dir"
    log "$(basename "$backup") → $dir"
    tar -xzf "$backup" -C "$dir"
    ;;
  *)
    fail "unknown backup kind: $backup"
    ;;
esac
log "done"
