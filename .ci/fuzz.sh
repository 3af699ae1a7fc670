#!/usr/bin/env bash
# Fuzz the REST API with Schemathesis against a running server: anonymously and as three roles, every operation of
# /api/schema/ with bounded examples, checking that nothing answers 5xx. Exits non-zero on any server error.
#
# The app runs as in production but on a throw-away SQLite file: DJANGO_ENV=test (DEBUG off, tasks run inline),
# a small demo province, gunicorn on 127.0.0.1:8002. Tokens are obtained the way a client does,
# POST /api/v1/auth/token/ with username and password, whatever the server stores.
#
#   .ci/fuzz.sh                    # quick: about 4 minutes on 2 cores
#   FUZZ_EXAMPLES=50 .ci/fuzz.sh   # deeper
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="$(cd "${BIN:-.venv/bin}" && pwd)"
PORT="${FUZZ_PORT:-8002}"
BASE="http://127.0.0.1:${PORT}"
# Bounds: test cases per operation, and seconds per role (fuzzing repeats until its time is spent). The coverage
# phase (every boundary value of every parameter: ~10,000 requests per role, 3-8 minutes each) is left to
# FUZZ_PHASES=examples,coverage,fuzzing runs by hand; by default the whole script stays under 6 minutes on 2 cores.
EXAMPLES="${FUZZ_EXAMPLES:-20}"
SECONDS_ANONYMOUS="${FUZZ_SECONDS_ANONYMOUS:-40}"
SECONDS_PER_ROLE="${FUZZ_SECONDS:-70}"
PHASES="${FUZZ_PHASES:-examples,fuzzing}"
SEED="${FUZZ_SEED:-2026}"
PASSWORD="fuzz-$(date +%s)-$$"

work="$(mktemp -d /tmp/yiqi-fuzz.XXXXXX)"
export DJANGO_ENV=test DJANGO_DEBUG=false
export DATABASE_URL="sqlite:///${work}/fuzz.sqlite3"
export DJANGO_MEDIA_ROOT="${work}/media" DJANGO_PRIVATE_MEDIA_ROOT="${work}/private"
export CACHE_URL="locmemcache://fuzz"
unset REDIS_URL

server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ "${failed:-0}" -eq 0 ]; then rm -rf "$work"; else echo "fuzz: logs and HAR files kept in ${work}"; fi
}
trap cleanup EXIT INT TERM

started=$(date +%s)
echo "== fuzz: demo province in ${work}"
"$BIN/python" manage.py migrate --noinput -v0
"$BIN/python" manage.py demo_data --instruments 150 --seed "$SEED" >/dev/null
# Three accounts of our own, so the run does not depend on the demo's names: a unit admin of a management unit
# with instruments, a user of an enterprise, the platform admin.
FUZZ_PASSWORD="$PASSWORD" "$BIN/python" manage.py shell -v0 -c '
import os
from yiqi.accounts.models import Role, RoleAssignment, User
from yiqi.organizations.models import Organization
from yiqi.registry.models import Instrument

password = os.environ["FUZZ_PASSWORD"]
unit = Instrument.objects.order_by("pk").first().unit
enterprise = Organization.objects.filter(kind=Organization.Kind.ENTERPRISE).order_by("pk").first()
for username, role, organization in (
    ("fuzz-unit-admin", Role.UNIT_ADMIN, unit),
    ("fuzz-enterprise", Role.EXTERNAL_USER, enterprise),
    ("fuzz-platform", Role.PLATFORM_ADMIN, None),
):
    user = User.objects.create_user(username, password=password)
    RoleAssignment.objects.create(user=user, role=role, organization=organization)
'

"$BIN/gunicorn" yiqi.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --timeout 120 \
  --access-logfile /dev/null >"${work}/server.log" 2>&1 &
server=$!
for _ in $(seq 60); do
  curl -fsS -o /dev/null "${BASE}/api/schema/" 2>/dev/null && break
  sleep 1
done
curl -fsS -o "${work}/schema.yaml" "${BASE}/api/schema/"

token() {
  curl -fsS -X POST "${BASE}/api/v1/auth/token/" -H "Content-Type: application/json" \
    -d "{\"username\": \"$1\", \"password\": \"${PASSWORD}\"}" \
    | "$BIN/python" -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

# Requests sent and 5xx answers, from the run's HAR file.
count() {
  "$BIN/python" - "$1" <<'EOF'
import json, sys
entries = json.load(open(sys.argv[1]))["log"]["entries"]
errors = [e for e in entries if e["response"]["status"] >= 500]
print(len(entries), len(errors))
for entry in errors[:20]:
    request = entry["request"]
    print(f"    {entry['response']['status']} {request['method']} {request['url']}", file=sys.stderr)
EOF
}

summary=()
failed=0
fuzz() {  # role, seconds, then extra schemathesis arguments
  local role="$1" seconds="$2"; shift 2
  local har="${work}/${role}.har" t0 rc=0
  t0=$(date +%s)
  echo "== fuzz as ${role}"
  # From the work folder: Schemathesis keeps its cache (.schemathesis/) in the current one. The schema is read
  # from the copy fetched above: generating it takes the server seconds, longer than Schemathesis waits on a busy
  # machine.
  (cd "$work" && "$BIN/schemathesis" run "${work}/schema.yaml" --url "$BASE" \
    --checks not_a_server_error \
    --phases "$PHASES" --max-time "$seconds" \
    --max-examples "$EXAMPLES" --seed "$SEED" --no-shrink \
    --workers 2 --request-timeout 60 --max-redirects 0 \
    --suppress-health-check all --warnings off \
    --report har --report-har-path "$har" --report-dir "${work}/reports" \
    "$@" >"${work}/${role}.log" 2>&1) || rc=$?
  tail -n 4 "${work}/${role}.log"
  if [ -s "$har" ]; then read -r sent errors < <(count "$har"); else sent=0 errors=1; fi
  # A fault inside the fuzzer itself (CPython 3.11's "AST constructor recursion depth mismatch" when Hypothesis
  # describes a lambda from a worker thread) says nothing about the app: that role runs once more, and only a
  # server error or a second fault fails.
  if [ "$rc" -ne 0 ] && [ "$errors" -eq 0 ] && [ -z "${retried:-}" ] \
    && grep -q "^Runtime Error" "${work}/${role}.log" && ! grep -q "Server error" "${work}/${role}.log"; then
    echo "== fuzz as ${role}: the fuzzer itself failed (not the app); once more"
    grep -A2 "^Runtime Error" "${work}/${role}.log" | head -n 3
    retried=1 fuzz "$role" "$seconds" "$@"
    return
  fi
  summary+=("$(printf '%-16s %6s requests  %3s 5xx  %4ss' "$role" "$sent" "$errors" "$(( $(date +%s) - t0 ))")")
  if [ "$errors" -gt 0 ] || [ "$rc" -ne 0 ]; then
    failed=1
    grep -E "Server error|500|^_+ " "${work}/${role}.log" | head -n 40 || true
  fi
}

# The token endpoint is fuzzed once, anonymously; with a role's token its throttle would only answer 429.
fuzz anonymous "$SECONDS_ANONYMOUS"
for account in unit-admin enterprise platform; do
  key="$(token "fuzz-${account}")"
  fuzz "$account" "$SECONDS_PER_ROLE" -H "Authorization: Token ${key}" --exclude-path /api/v1/auth/token/
done

echo "== fuzz summary (phases ${PHASES}, up to ${EXAMPLES} examples per operation, seed ${SEED})"
printf '%s\n' "${summary[@]}"
echo "fuzz.sh took $(( $(date +%s) - started ))s"
if grep -q "Traceback" "${work}/server.log"; then
  echo "== server tracebacks (first ones)"; grep -B2 -A30 "Traceback" "${work}/server.log" | head -n 120
fi
exit "$failed"
