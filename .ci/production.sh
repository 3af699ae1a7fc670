#!/usr/bin/env bash
# The production recipe in deploy/, run for real: DJANGO_ENV=production on a fresh PostgreSQL database, gunicorn
# with deploy/gunicorn.conf.py, Debian's nginx with deploy/nginx/yiqi.conf (ports, names and paths substituted,
# a self-signed certificate), then curl through the proxy, a login-throttling check from two client addresses and
# a backup → restore drill. One line per check; exits non-zero when any check fails. Everything it starts
# (gunicorn, nginx, databases, files) is removed on exit, also on failure. Called by .ci/run after `make test`;
# by hand: `bash .ci/production.sh` (needs root only to install nginx; PostgreSQL at 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="${YIQI_PYTHON:-$ROOT/.venv/bin/python}"
BIN="$(dirname "$PY")"
PG="${YIQI_CI_PG:-postgres://postgres@127.0.0.1:5432}"
HTTPS_PORT=8443
HTTP_PORT=8080
APP=127.0.0.1:8001
BASE="https://127.0.0.1:$HTTPS_PORT"
started=$(date +%s)

if ! command -v nginx >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
NGINX="$(command -v nginx)"

stamp="$(date +%s)_$$"
db="yiqi_prod_$stamp"
restored_db="yiqi_prod_${stamp}_restored"
work="$(mktemp -d /tmp/yiqi-prod.XXXXXX)"
chmod 755 "$work"
gunicorn_pid=""
failures=0

cleanup() {
  local status=$?
  set +e
  if [ -f "$work/nginx/nginx.pid" ]; then
    kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null
  fi
  if [ -n "$gunicorn_pid" ]; then
    kill "$gunicorn_pid" 2>/dev/null
    wait "$gunicorn_pid" 2>/dev/null
  fi
  for name in "$db" "$restored_db"; do
    psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1
  done
  if [ "$status" -ne 0 ] && [ -f "$work/gunicorn.log" ]; then
    echo "== gunicorn log (last lines)"; tail -n 30 "$work/gunicorn.log"
    echo "== nginx error log"; tail -n 20 "$work/nginx/error.log" 2>/dev/null
  fi
  rm -rf "$work"
  echo "production: cleaned up (gunicorn, nginx, databases $db and $restored_db, $work)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { printf 'ok    %s\n' "$*"; }
bad() {
  printf 'FAIL  %s\n' "$*"
  failures=$((failures + 1))
}
check() {  # check "description" command…  — one line, never stops the run
  local what="$1"
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
die() {
  printf 'FAIL  %s\n' "$*"
  exit 1
}

# --- the production environment ---------------------------------------------------------------------------------
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
fi
# A throw-away database: commits need not wait for the disk (the CI machine is shared and slow to fsync).
create_db() {
  psql "$PG/postgres" -qAtc "CREATE DATABASE \"$1\"" >/dev/null &&
    psql "$PG/postgres" -qAtc "ALTER DATABASE \"$1\" SET synchronous_commit = off" >/dev/null
}
step() { step_started=$(date +%s); }
took() { echo "$(($(date +%s) - step_started)) s"; }
create_db "$db" || die "create database $db"
mkdir -p "$work"/{static,media,private,backups,tls,nginx}
export DJANGO_ENV=production
DJANGO_SECRET_KEY="$(openssl rand -base64 48)"
export DJANGO_SECRET_KEY
export DATABASE_URL="$PG/$db"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_CSRF_TRUSTED_ORIGINS="$BASE"
export DJANGO_STATIC_ROOT="$work/static" DJANGO_MEDIA_ROOT="$work/media" DJANGO_PRIVATE_MEDIA_ROOT="$work/private"
export YIQI_TRUSTED_PROXY_COUNT=1 YIQI_ACCEL_REDIRECT_PREFIX=/_protected/
export EMAIL_URL=consolemail:// LOG_LEVEL=WARNING
unset REDIS_URL CACHE_URL DJANGO_DEBUG
manage() { "$PY" manage.py "$@"; }

if manage check --deploy --fail-level ERROR >"$work/check.log" 2>&1; then
  ok "manage.py check --deploy: no errors ($(grep -c '^?' "$work/check.log" || true) warnings)"
else
  cat "$work/check.log"
  die "manage.py check --deploy"
fi
step
manage migrate --noinput >"$work/migrate.log" 2>&1 || { tail -n 20 "$work/migrate.log"; die "migrate"; }
ok "migrate on a fresh PostgreSQL database ($db): $(took)"
step
manage demo_data --instruments 200 >"$work/demo.log" 2>&1 || { tail -n 20 "$work/demo.log"; die "demo_data"; }
ok "demo_data --instruments 200: $(took)"
step
manage collectstatic --noinput >"$work/collectstatic.log" 2>&1 || { tail -n 20 "$work/collectstatic.log"; die "collectstatic"; }
ok "collectstatic with the manifest storage ($(find "$work/static" -type f | wc -l) files): $(took)"

# --- gunicorn and nginx ---------------------------------------------------------------------------------------------
GUNICORN_BIND="$APP" GUNICORN_WORKERS=2 "$BIN/gunicorn" -c deploy/gunicorn.conf.py yiqi.wsgi \
  >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/tls/privkey.pem" -out "$work/tls/fullchain.pem" >/dev/null 2>&1 || die "self-signed certificate"

# deploy/nginx/yiqi.conf as shipped, with this run's ports and paths; each substitution must have happened.
sed -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
  -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS_PORT ssl http2;|" \
  -e '/listen \[::\]/d' \
  -e "s|return 301 https://\$host\$request_uri;|return 301 https://\$host:$HTTPS_PORT\$request_uri;|" \
  -e "s|/etc/ssl/yiqi/|$work/tls/|" \
  -e "s|/srv/yiqi/var/static/|$work/static/|" \
  -e "s|/srv/yiqi/var/media/|$work/media/|" \
  -e "s|/srv/yiqi/var/private/|$work/private/|" \
  deploy/nginx/yiqi.conf >"$work/nginx/yiqi.conf"
if grep -v '^[[:space:]]*#' "$work/nginx/yiqi.conf" | grep -qE '/srv/yiqi|/etc/ssl/yiqi|listen (80|443)' \
  || [ "$(grep -c "$HTTPS_PORT" "$work/nginx/yiqi.conf")" -lt 2 ]; then
  die "deploy/nginx/yiqi.conf no longer has the lines this script substitutes"
fi
worker_user=www-data
id "$worker_user" >/dev/null 2>&1 || worker_user=nobody
mkdir -p "$work/nginx/tmp"
chown -R "$worker_user" "$work/nginx/tmp" 2>/dev/null || true
cat >"$work/nginx/nginx.conf" <<EOF
user $worker_user;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    include $work/nginx/yiqi.conf;
}
EOF
"$NGINX" -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/test.log" \
  || { cat "$work/nginx/test.log"; die "nginx -t with deploy/nginx/yiqi.conf"; }
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" || die "start nginx"

for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://$APP/" && break
  kill -0 "$gunicorn_pid" 2>/dev/null || die "gunicorn exited"
  sleep 0.5
done
ok "gunicorn on $APP (deploy/gunicorn.conf.py), nginx on 127.0.0.1:$HTTPS_PORT (TLS) and :$HTTP_PORT"

# --- through the proxy ----------------------------------------------------------------------------------------------
CURL=(curl -s --max-time 30 --cacert "$work/tls/fullchain.pem")
status_of() { "${CURL[@]}" -o /dev/null -w '%{http_code}' "$@"; }
headers_of() { "${CURL[@]}" -o /dev/null -D - "$@" | tr -d '\r'; }
header() { grep -i "^$1:" | head -n 1 | cut -d: -f2- | sed 's/^ //'; }

instrument_id="$(manage shell -c "from yiqi.registry.models import Instrument, RegistrationStatus
print(Instrument.objects.filter(registration_status=RegistrationStatus.PUBLISHED).order_by('pk').values_list('pk', flat=True).first())" 2>/dev/null | tail -n 1)"
for path in / /catalog/ "/instruments/$instrument_id/" /api/schema/; do
  code="$(status_of "$BASE$path")"
  if [ "$code" = 200 ]; then ok "GET $path → 200"; else bad "GET $path → $code (want 200)"; fi
done

home_headers="$(headers_of "$BASE/")"
csp="$(header Content-Security-Policy <<<"$home_headers")"
check "Content-Security-Policy: scripts and styles from 'self' only [$csp]" \
  grep -qE "script-src 'self'(;|$)" <<<"$csp"
check "CSP: style-src 'self', object-src 'none', frame-ancestors 'none'" \
  bash -c "grep -qE \"style-src 'self'(;|\$)\" <<<\"\$1\" && grep -q \"object-src 'none'\" <<<\"\$1\" && grep -q \"frame-ancestors 'none'\" <<<\"\$1\"" _ "$csp"
permissions="$(header Permissions-Policy <<<"$home_headers")"
check "Permissions-Policy: camera=(), microphone=(), geolocation=() [${permissions:0:60}…]" \
  bash -c 'grep -q "camera=()" <<<"$1" && grep -q "microphone=()" <<<"$1" && grep -q "geolocation=()" <<<"$1"' _ "$permissions"
check "X-Content-Type-Options: nosniff" grep -qi '^x-content-type-options: nosniff$' <<<"$home_headers"
check "Referrer-Policy: same-origin" grep -qi '^referrer-policy: same-origin$' <<<"$home_headers"
hsts="$(header Strict-Transport-Security <<<"$home_headers")"
check "HSTS over TLS [$hsts]" grep -q 'max-age=31536000' <<<"$hsts"

server_ok() {  # Server names no software version and never gunicorn
  local server
  server="$(header Server <<<"$1")"
  [ "$server" = "nginx" ] || { echo "      Server: $server"; return 1; }
}
check "Server: nginx without version, no gunicorn banner (page)" server_ok "$home_headers"
check "Server: nginx without version (404)" server_ok "$(headers_of "$BASE/no-such-page/")"
redirect_headers="$(curl -s --max-time 30 -o /dev/null -D - "http://127.0.0.1:$HTTP_PORT/catalog/?q=x" | tr -d '\r')"
check "HTTP :$HTTP_PORT → 301 to https://…:$HTTPS_PORT/, no version" \
  bash -c 'grep -q "^HTTP/1.1 301" <<<"$1" && grep -qi "^location: https://127.0.0.1:'"$HTTPS_PORT"'/catalog/?q=x$" <<<"$1" && grep -qi "^server: nginx$" <<<"$1"' _ "$redirect_headers"

css="$("${CURL[@]}" "$BASE/" | grep -oE '/static/vendor/bootstrap-5\.3\.9/bootstrap\.min\.[0-9a-f]{12}\.css' | head -n 1)"
static_headers="$(headers_of -H 'Accept-Encoding: gzip' "$BASE$css")"
check "static file served by nginx from STATIC_ROOT: hashed name, immutable, gzip [$css]" \
  bash -c '[ -n "$2" ] && grep -q "^HTTP/.* 200" <<<"$1" && grep -qi "^cache-control: public, immutable" <<<"$1" && grep -qi "^content-encoding: gzip" <<<"$1"' _ "$static_headers" "$css"
echo secret >"$work/private/probe.txt"
check "/_protected/ is internal: a browser asking gets 404" \
  test "$(status_of "$BASE/_protected/probe.txt")" = 404
check "request body over 25 MB refused by nginx (413), 24 MB passed on to the app" \
  bash -c 'test "$(head -c 26214401 /dev/zero | "${@:2}" -o /dev/null -w "%{http_code}" --data-binary @- "$1/accounts/login/")" = 413 &&
           test "$(head -c 24000000 /dev/zero | "${@:2}" -o /dev/null -w "%{http_code}" --data-binary @- "$1/accounts/login/")" != 413' \
  _ "$BASE" "${CURL[@]}"

# --- login throttling keyed on the real client address (two source addresses through nginx) -------------------------
# nginx appends the connecting address ($proxy_add_x_forwarded_for); the app trusts exactly one proxy.
login() {  # login SOURCE_ADDRESS PASSWORD [extra curl args…] → "<status> <redirect>"
  local source="$1" password="$2" jar token
  shift 2
  jar="$(mktemp "$work/jar.XXXXXX")"
  "${CURL[@]}" --interface "$source" -c "$jar" -b "$jar" -o /dev/null "$BASE/accounts/login/"
  token="$(awk '$6 == "csrftoken" { print $7 }' "$jar")"
  "${CURL[@]}" --interface "$source" -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
    -H "Referer: $BASE/accounts/login/" "$@" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=user001" \
    --data-urlencode "password=$password" "$BASE/accounts/login/"
}
logged_in() { [[ "$1" == 302* ]] && [[ "$1" != *"/accounts/login/"* ]]; }
limit="$(manage shell -c "from django.conf import settings; print(settings.AXES_FAILURE_LIMIT)" 2>/dev/null | tail -n 1)"
first="$(login 127.0.0.3 yiqi-demo-2026)"
check "address B (127.0.0.3) logs in with the right password before any failure [$first]" logged_in "$first"
for _ in $(seq 1 "${limit:-5}"); do login 127.0.0.2 wrong-password-123 >/dev/null; done
a_after="$(login 127.0.0.2 yiqi-demo-2026)"
check "address A (127.0.0.2) refused after $limit bad passwords, even with the right one [$a_after]" \
  bash -c '! { [[ "$1" == 302* ]] && [[ "$1" != *"/accounts/login/"* ]]; }' _ "$a_after"
a_spoofed="$(login 127.0.0.2 yiqi-demo-2026 -H 'X-Forwarded-For: 203.0.113.9')"
check "address A still refused when it sends its own X-Forwarded-For [$a_spoofed]" \
  bash -c '! { [[ "$1" == 302* ]] && [[ "$1" != *"/accounts/login/"* ]]; }' _ "$a_spoofed"
b_after="$(login 127.0.0.3 yiqi-demo-2026)"
check "address B (127.0.0.3) still logs in with the right password [$b_after]" logged_in "$b_after"

# --- restore drill ----------------------------------------------------------------------------------------------------
counts() {  # the four that matter most by name, then every table's row count folded into one line
  DATABASE_URL="$1" manage shell -c "import hashlib
from django.apps import apps
named = ['registry.Instrument', 'booking.Booking', 'fees.Charge', 'core.AuditEvent']
every = {m._meta.label: m._base_manager.count() for m in apps.get_models()}
print(' '.join(f'{label}={every[label]}' for label in named),
      f'all {len(every)} tables={sum(every.values())} rows', hashlib.sha256(repr(sorted(every.items())).encode()).hexdigest()[:12])" \
    2>/dev/null | tail -n 1
}
dump="$(YIQI_BACKUP_DIR="$work/backups" deploy/backup.sh 2>"$work/backup.log" | tail -n 1)" \
  || { cat "$work/backup.log"; die "deploy/backup.sh"; }
check "deploy/backup.sh: pg_dump -Fc → $(basename "$dump") ($(du -h "$dump" | cut -f1)), uploaded files archived" \
  bash -c '[ -s "$1" ] && ls "$2"/yiqi-media-*.tar.gz "$2"/yiqi-private-*.tar.gz >/dev/null' _ "$dump" "$work/backups"
create_db "$restored_db" || die "create database $restored_db"
if deploy/restore.sh "$dump" "$PG/$restored_db" 2>"$work/restore.log"; then
  ok "deploy/restore.sh into a fresh database ($restored_db)"
else
  cat "$work/restore.log"
  bad "deploy/restore.sh into a fresh database"
fi
before="$(counts "$PG/$db")"
after="$(counts "$PG/$restored_db")"
check "restored counts match: $after" bash -c '[ -n "$1" ] && [ "$1" = "$2" ] && [[ "$1" != *"registry.Instrument=0 "* ]]' _ "$before" "$after"
check "restore refuses to overwrite a database that is not empty" \
  bash -c '! deploy/restore.sh "$1" "$2" 2>/dev/null' _ "$dump" "$PG/$restored_db"
sleep 1
YIQI_BACKUP_DIR="$work/backups" YIQI_BACKUP_KEEP=1 YIQI_BACKUP_FILES=0 deploy/backup.sh >/dev/null 2>&1
check "backup rotation keeps the newest YIQI_BACKUP_KEEP dumps" \
  test "$(find "$work/backups" -name 'yiqi-db-*.dump' | wc -l)" = 1

echo "production: $((failures)) failed check(s), $(($(date +%s) - started)) s"
[ "$failures" -eq 0 ]
