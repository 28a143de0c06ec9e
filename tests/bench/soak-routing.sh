#!/usr/bin/env bash
# Routing soak (run by hand, not by ctest): issue 4's two figures. See tests/bench/README.md.
#
#   tests/bench/soak-routing.sh      (needs build/app/console/aiproxy and the mock upstream)
#
# Three OpenAI channels for one model at the mock upstream, one failing every request; 10,000
# chat requests through the gateway. Checks that >= 99.9 % succeed and that the failing channel
# gets no request once it is banned. Then a serial run (concurrency 1) on a second model with its
# own failing channel checks that a retried request costs the client no more than the failed
# attempt plus the successful one plus the backoff asked for (0) plus an allowance.
#
# Environment knobs:
#   BUILD=<dir>               build tree (default <repo>/build)
#   SOAK_N=10000              requests
#   SOAK_CONCURRENCY=16       requests in flight
#   SOAK_STREAM_EVERY=10      every Nth request is streamed (0: none)
#   SOAK_ALLOWANCE_MS=5       fixed allowance of the retry cost check
#   SOAK_STABLE_WINDOW=500    completed requests the failing count must stay flat to mark the ban
#   SOAK_WARMUP=500           warm-up requests on the healthy channels before the failing one exists
#   SOAK_SERIAL_N=300         requests of the serial (concurrency 1) run
#   SOAK_DEADLINE_S=90        stop sending after this long
#   SOAK_KEEP_TMP=1           keep the temporary directory (database, raw data, logs)
#
# Everything listens on 127.0.0.1 only; every wait is bounded.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD="${BUILD:-$REPO/build}"
GW_BIN="$BUILD/app/console/aiproxy"
MOCK_BIN="$BUILD/tests/mocks/aiproxy-mock-upstream"
OUT_DIR="$BUILD/bench"
N="${SOAK_N:-10000}"
CONCURRENCY="${SOAK_CONCURRENCY:-16}"
STREAM_EVERY="${SOAK_STREAM_EVERY:-10}"
ALLOWANCE_MS="${SOAK_ALLOWANCE_MS:-5}"
STABLE_WINDOW="${SOAK_STABLE_WINDOW:-500}"
DEADLINE_S="${SOAK_DEADLINE_S:-90}"
WARMUP="${SOAK_WARMUP:-500}"
SERIAL_N="${SOAK_SERIAL_N:-300}"
ADMIN_KEY="soak-admin-key-123"
MODEL="soak-model"
SERIAL_MODEL="soak-model-serial"
FAILING_KEY="sk-failing"
SERIAL_FAILING_KEY="sk-failing-serial"
RETEST_INTERVAL=3600 # No background re-test of the banned pair during the run.

LOG_TAG=soak
# shellcheck source=common.sh
source "$HERE/common.sh"

# ------------------------------------------------------------------ cleanup
TMP=""
GW_PID=""
MOCK_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$GW_PID" ]]; then
    stop_pid "$GW_PID" TERM 15
    [[ -n "$TMP" && -f "$TMP/gateway.log" ]] && mkdir -p "$OUT_DIR" && cp "$TMP/gateway.log" "$OUT_DIR/soak-gateway.log" || true
  fi
  [[ -n "$MOCK_PID" ]] && stop_pid "$MOCK_PID" TERM 5
  if [[ -n "$TMP" && -d "$TMP" ]]; then
    if [[ "${SOAK_KEEP_TMP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ helpers
chat() { # model stream(true|false) output_file : one chat request, prints the HTTP status
  curl -s -o "$3" -w '%{http_code}' -m 10 -X POST -H "Authorization: $AUTH" \
    -H 'Content-Type: application/json' \
    --data "{\"model\":\"$1\",\"stream\":$2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
    "http://127.0.0.1:$GW_PORT/v1/chat/completions" || true
}

# ------------------------------------------------------------------ setup
for tool in node python3 curl; do command -v "$tool" >/dev/null 2>&1 || die "$tool is required"; done
[[ -x "$GW_BIN" ]] || die "$GW_BIN not found: build first"
[[ -x "$MOCK_BIN" ]] || die "$MOCK_BIN not found: build the aiproxy-mock-upstream target first"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

TMP="$(mktemp -d /tmp/aiproxy-soak-XXXX)"
mkdir -p "$OUT_DIR" "$TMP/gwdata"

# The mock upstream prints its port on stdout once it listens. (The file is created here: the
# background job's own redirection may come after the first read.)
: > "$TMP/mock.port"
"$MOCK_BIN" --host 127.0.0.1 --port 0 > "$TMP/mock.port" 2> "$TMP/mock.log" &
MOCK_PID=$!
MOCK_PORT=""
for ((i = 0; i < 100; i++)); do
  kill -0 "$MOCK_PID" 2>/dev/null || die "mock upstream exited: $(cat "$TMP/mock.log")"
  MOCK_PORT="$(head -n1 "$TMP/mock.port" 2>/dev/null | tr -dc 0-9 || true)"
  [[ -n "$MOCK_PORT" ]] && break
  sleep 0.1
done
[[ -n "$MOCK_PORT" ]] || die "mock upstream did not report its port within 10 s"
curl -sS -m 5 -o /dev/null "http://127.0.0.1:$MOCK_PORT/mock/stats" || die "mock upstream does not answer /mock/stats"
log "mock upstream: 127.0.0.1:$MOCK_PORT (pid $MOCK_PID)"

GW_PORT="$(free_port)"
while [[ "$GW_PORT" == "$MOCK_PORT" ]]; do GW_PORT="$(free_port)"; done
(
  cd "$TMP/gwdata"
  export LISTEN="127.0.0.1:$GW_PORT" ADMIN_KEY="$ADMIN_KEY" DATA_DIR="$TMP/gwdata" \
    BANNED_RETEST_INTERVAL="$RETEST_INTERVAL"
  exec "$GW_BIN"
) > "$TMP/gateway.log" 2>&1 &
GW_PID=$!
wait_gateway "$GW_PID" "$GW_PORT" "$TMP/gateway.log"
log "gateway: 127.0.0.1:$GW_PORT (pid $GW_PID), BANNED_RETEST_INTERVAL=$RETEST_INTERVAL"

BASE="http://127.0.0.1:$MOCK_PORT/v1"
admin POST "/api/model_config/$MODEL" "{\"model\":\"$MODEL\",\"type\":1}" > /dev/null
admin POST "/api/model_config/$SERIAL_MODEL" "{\"model\":\"$SERIAL_MODEL\",\"type\":1}" > /dev/null
HEALTHY_A="$(admin POST /api/channel/ "{\"type\":1,\"name\":\"healthy-a\",\"key\":\"sk-healthy-a\",\"base_url\":\"$BASE\",\"models\":[\"$MODEL\",\"$SERIAL_MODEL\"]}" | json_get data.id)"
HEALTHY_B="$(admin POST /api/channel/ "{\"type\":1,\"name\":\"healthy-b\",\"key\":\"sk-healthy-b\",\"base_url\":\"$BASE\",\"models\":[\"$MODEL\",\"$SERIAL_MODEL\"]}" | json_get data.id)"
TOKEN_KEY="$(admin POST '/api/token/soak?auto_create_group=true' '{"name":"soak"}' | json_get data.key)" \
  || die "token response has no data.key"
[[ "$TOKEN_KEY" == sk-* ]] && AUTH="Bearer $TOKEN_KEY" || AUTH="Bearer sk-$TOKEN_KEY"

# Probe the healthy path (plain and streamed) before the failing channels exist.
for m in "$MODEL" "$SERIAL_MODEL"; do
  for stream in false true; do
    code="$(chat "$m" "$stream" "$TMP/probe.out")"
    [[ "$code" == 200 ]] || die "probe ($m, stream=$stream) answered $code: $(head -c 300 "$TMP/probe.out")"
  done
done
log "channels: healthy $HEALTHY_A, $HEALTHY_B; the failing ones are created after each warm-up"

# run_load LABEL MODEL FAILING_KEY N CONCURRENCY WARMUP : one soak-routing.mjs run; it warms up
# on the healthy channels, creates the model's failing channel through the admin API (--arm-*),
# checks that it has had no request, then sends the N requests.
run_load() {
  local label="$1" model="$2" key="$3" n="$4" conc="$5" warm="$6" rc=0
  log "$label: warm-up $warm, then $n requests of $model, concurrency $conc, every ${STREAM_EVERY}th streamed"
  timeout $((DEADLINE_S + 60)) node "$HERE/soak-routing.mjs" \
    --url "http://127.0.0.1:$GW_PORT/v1/chat/completions" --auth "$AUTH" --model "$model" \
    --stats-url "http://127.0.0.1:$MOCK_PORT/mock/stats" --failing-auth "Bearer $key" \
    --n "$n" --concurrency "$conc" --stream-every "$STREAM_EVERY" --deadline-s "$DEADLINE_S" \
    --warmup "$warm" --arm-url "http://127.0.0.1:$GW_PORT/api/channel/" \
    --arm-auth "Bearer $ADMIN_KEY" \
    --arm-body "{\"type\":1,\"name\":\"failing-$label\",\"key\":\"$key\",\"base_url\":\"$BASE\",\"models\":[\"$model\"],\"model_mapping\":{\"$model\":\"error-500\"}}" \
    --out "$TMP/client-$label.json" > "$TMP/client-$label.out" || rc=$?
  ((rc <= 1)) || die "$label: load generator failed (exit $rc)"
  [[ -s "$TMP/client-$label.json" ]] || die "$label: load generator wrote no data"
}

# ------------------------------------------------------------------ the runs
run_load main "$MODEL" "$FAILING_KEY" "$N" "$CONCURRENCY" "$WARMUP"
FAILING="$(json_get arm.data.id < "$TMP/client-main.json")" || die "no failing channel id in the arm answer"
run_load serial "$SERIAL_MODEL" "$SERIAL_FAILING_KEY" "$SERIAL_N" 1 50
SERIAL_FAILING="$(json_get arm.data.id < "$TMP/client-serial.json")" || die "no failing channel id in the arm answer"
log "failing channels: $FAILING ($MODEL), $SERIAL_FAILING ($SERIAL_MODEL); every request answered 500"

curl -sS -m 30 "http://127.0.0.1:$MOCK_PORT/mock/stats?requests=1" > "$TMP/mock.json" \
  || die "could not read the mock's request log"
# The lead's monitor endpoint, when this build has it: an extra check only.
BANNED=""
code="$(curl -s -o "$TMP/banned.json" -w '%{http_code}' -m 5 -H "Authorization: Bearer $ADMIN_KEY" \
  "http://127.0.0.1:$GW_PORT/api/monitor/banned_channels" || true)"
if [[ "$code" == 200 ]]; then
  BANNED="$(cat "$TMP/banned.json")"
else
  BANNED="not available (HTTP $code)"
fi

# Stop the gateway (it flushes its log writer on SIGTERM) before reading its database.
stop_pid "$GW_PID" TERM 15
cp "$TMP/gateway.log" "$OUT_DIR/soak-gateway.log" 2>/dev/null || true
GW_PID=""

META="$(python3 -c 'import json, sys; print(json.dumps(dict(zip(["date","cores","node","model","serial_model","rev","settings"], sys.argv[1:]))))' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)" "$(node --version)" "$MODEL" "$SERIAL_MODEL" \
  "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo none)" \
  "Gateway settings: RETRY_TIMES, ENABLE_MODEL_ERROR_AUTO_BAN, MODEL_ERROR_AUTO_BAN_RATE and AUTO_BAN_DURATION at their defaults (2, true, 0.75, 300 s); BANNED_RETEST_INTERVAL=$RETEST_INTERVAL, so no re-test request reaches a failing channel during the runs.")"
REPORT_RC=0
python3 "$HERE/soak-routing-report.py" --db "$TMP/gwdata/aiproxy.db" --mock "$TMP/mock.json" \
  --main "$TMP/client-main.json" --main-failing-auth "Bearer $FAILING_KEY" \
  --main-failing-channel "$FAILING" --serial "$TMP/client-serial.json" \
  --serial-failing-auth "Bearer $SERIAL_FAILING_KEY" --serial-failing-channel "$SERIAL_FAILING" \
  --allowance-ms "$ALLOWANCE_MS" --stable-window "$STABLE_WINDOW" --banned "$BANNED" \
  --meta "$META" --json-out "$OUT_DIR/soak-routing.json" > "$OUT_DIR/soak-routing.md" || REPORT_RC=$?
echo
cat "$OUT_DIR/soak-routing.md"
log "results written to $OUT_DIR/soak-routing.md"
exit "$REPORT_RC"
