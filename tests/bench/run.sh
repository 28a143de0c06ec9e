#!/usr/bin/env bash
# AI Proxy benchmark (run by hand, not by ctest). See tests/bench/README.md.
#
#   tests/bench/run.sh            full run (needs build/app/console/aiproxy)
#
# Environment knobs:
#   BUILD=<dir>              build tree (default <repo>/build)
#   BENCH_DURATION=10s       wrk duration per measurement
#   BENCH_TTFB_N=200         sequential streams per TTFB measurement
#   BENCH_SLOW_N=1000        concurrent slow streams
#   BENCH_SKIP_GATEWAY=1     only measure nginx (direct / proxy_pass); no gateway needed
#   BENCH_SKIP_SLOW=1        skip the 1,000 slow streams test
#   BENCH_KEEP_TMP=1         keep the temporary directory (configs, logs)
#
# Everything listens on 127.0.0.1 only; every wait loop is bounded.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD="${BUILD:-$REPO/build}"
GW_BIN="$BUILD/app/console/aiproxy"
OUT_DIR="$BUILD/bench"
DURATION="${BENCH_DURATION:-10s}"
TTFB_N="${BENCH_TTFB_N:-200}"
SLOW_N="${BENCH_SLOW_N:-1000}"
SKIP_GATEWAY="${BENCH_SKIP_GATEWAY:-0}"
SKIP_SLOW="${BENCH_SKIP_SLOW:-0}"
ADMIN_KEY="bench-admin-key-123"
MODEL="gpt-4o-mini"
SSE_MODEL="gpt-4o-mini-sse"
SLOW_MODEL="slow-model"

LOG_TAG=bench
# shellcheck source=common.sh
source "$HERE/common.sh"

# ------------------------------------------------------------------ cleanup
TMP=""
NGINX_PID=""
GW_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$GW_PID" ]]; then
    log "stopping gateway (pid $GW_PID)"
    stop_pid "$GW_PID" TERM 15
    [[ -n "$TMP" && -f "$TMP/gateway.log" ]] && mkdir -p "$OUT_DIR" && cp "$TMP/gateway.log" "$OUT_DIR/gateway.log" || true
  fi
  if [[ -n "$NGINX_PID" ]]; then
    log "stopping nginx (pid $NGINX_PID)"
    stop_pid "$NGINX_PID" TERM 10
  fi
  if [[ -n "$TMP" && -d "$TMP" ]]; then
    if [[ "${BENCH_KEEP_TMP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ helpers
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# wait_http URL SECONDS: until the server answers anything over HTTP.
wait_http() {
  local url="$1" secs="$2" i
  for ((i = 0; i < secs * 10; i++)); do
    curl -s -o /dev/null -m 1 "$url" && return 0
    sleep 0.1
  done
  return 1
}

# ------------------------------------------------------------------ setup
ulimit -n 65536 2>/dev/null || {
  hard="$(ulimit -Hn)"
  ulimit -n "$hard" 2>/dev/null || true
  log "warning: could not raise open files to 65536; using $(ulimit -n)"
}

need_pkgs=()
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need_pkgs+=(nginx)
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v node >/dev/null 2>&1 || need_pkgs+=(nodejs)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if ((${#need_pkgs[@]})); then
  log "installing: ${need_pkgs[*]}"
  # Keep the nginx package from starting its system service on port 80.
  added_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && added_policy=1
  fi
  apt-get update || log "warning: apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_pkgs[@]}" || install_rc=$?
  [[ "$added_policy" == 1 ]] && rm -f /usr/sbin/policy-rc.d
  [[ "${install_rc:-0}" == 0 ]] || die "apt-get install failed"
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

if [[ "$SKIP_GATEWAY" != 1 ]]; then
  [[ -x "$GW_BIN" ]] || die "$GW_BIN not found: build first (installer/build.sh build)"
fi

TMP="$(mktemp -d /tmp/aiproxy-bench-XXXX)"
chmod 755 "$TMP" # nginx workers run as nobody when started by root
RES="$TMP/results"
mkdir -p "$RES" "$OUT_DIR"

DIRECT_PORT="$(free_port)"
PROXY_PORT="$(free_port)"
while [[ "$PROXY_PORT" == "$DIRECT_PORT" ]]; do PROXY_PORT="$(free_port)"; done

# ------------------------------------------------------------------ nginx
NGX_PREFIX="$TMP/nginx"
HTML_DIR="$NGX_PREFIX/html"
mkdir -p "$NGX_PREFIX/tmp" "$NGX_PREFIX/logs" "$HTML_DIR/sse/v1/chat"

# Canned SSE stream: 10 chat.completion.chunk events, then usage, then [DONE].
{
  words=("Hello" "!" " How" " can" " I" " help" " you" " today" "?" "")
  for i in "${!words[@]}"; do
    if ((i == 0)); then
      delta='{"role":"assistant","content":"Hello"}'
    elif ((i == ${#words[@]} - 1)); then
      delta='{}'
    else
      delta="{\"content\":\"${words[$i]}\"}"
    fi
    finish=null
    ((i == ${#words[@]} - 1)) && finish='"stop"'
    printf 'data: {"id":"chatcmpl-bench-sse","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_bench","choices":[{"index":0,"delta":%s,"logprobs":null,"finish_reason":%s}]}\n\n' "$delta" "$finish"
  done
  printf 'data: {"id":"chatcmpl-bench-sse","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_bench","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}\n\n'
  printf 'data: [DONE]\n\n'
} > "$HTML_DIR/sse/v1/chat/completions"
chmod -R a+rX "$NGX_PREFIX"

sed -e "s|@PREFIX@|$NGX_PREFIX|g" -e "s|@HTML_DIR@|$HTML_DIR|g" \
    -e "s|@DIRECT_PORT@|$DIRECT_PORT|g" -e "s|@PROXY_PORT@|$PROXY_PORT|g" \
    "$HERE/nginx.conf.template" > "$NGX_PREFIX/nginx.conf"
"$NGINX" -t -q -e "$NGX_PREFIX/error.log" -p "$NGX_PREFIX" -c "$NGX_PREFIX/nginx.conf" || die "nginx config test failed"
"$NGINX" -e "$NGX_PREFIX/error.log" -p "$NGX_PREFIX" -c "$NGX_PREFIX/nginx.conf" > "$NGX_PREFIX/logs/stdout.log" 2>&1 &
NGINX_PID=$!
wait_http "http://127.0.0.1:$DIRECT_PORT/" 10 || die "nginx did not start: $(cat "$NGX_PREFIX/error.log" 2>/dev/null)"
wait_http "http://127.0.0.1:$PROXY_PORT/" 10 || die "nginx proxy port did not start"
log "nginx: direct 127.0.0.1:$DIRECT_PORT, proxy_pass 127.0.0.1:$PROXY_PORT (pid $NGINX_PID)"

BODY='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
for port in "$DIRECT_PORT" "$PROXY_PORT"; do
  got="$(curl -sS -m 5 -X POST -H 'Content-Type: application/json' --data "$BODY" "http://127.0.0.1:$port/v1/chat/completions")"
  [[ "$(printf '%s' "$got" | json_get object)" == "chat.completion" ]] || die "canned completion on :$port is wrong: $got"
done
got="$(curl -sS -m 5 -X POST -H 'Content-Type: application/json' --data "$BODY" "http://127.0.0.1:$DIRECT_PORT/sse/v1/chat/completions")"
[[ "$got" == *"data: [DONE]"* ]] || die "canned SSE stream is wrong: $got"

# ------------------------------------------------------------------ gateway
AUTH=""
if [[ "$SKIP_GATEWAY" != 1 ]]; then
  GW_PORT="$(free_port)"
  SLOW_PORT="$(free_port)"
  for _ in 1 2 3 4 5; do
    [[ "$GW_PORT" != "$DIRECT_PORT" && "$GW_PORT" != "$PROXY_PORT" ]] && break
    GW_PORT="$(free_port)"
  done
  for _ in 1 2 3 4 5; do
    [[ "$SLOW_PORT" != "$GW_PORT" && "$SLOW_PORT" != "$DIRECT_PORT" && "$SLOW_PORT" != "$PROXY_PORT" ]] && break
    SLOW_PORT="$(free_port)"
  done
  mkdir -p "$TMP/gwdata"
  (
    cd "$TMP/gwdata"
    export LISTEN="127.0.0.1:$GW_PORT" ADMIN_KEY="$ADMIN_KEY" DATA_DIR="$TMP/gwdata" WORKER_THREADS=2
    exec "$GW_BIN"
  ) > "$TMP/gateway.log" 2>&1 &
  GW_PID=$!
  wait_gateway "$GW_PID" "$GW_PORT" "$TMP/gateway.log"
  log "gateway: 127.0.0.1:$GW_PORT (pid $GW_PID)"

  # Model configs first, then channels pointing at the canned upstreams.
  admin POST "/api/model_config/$MODEL" "{\"model\":\"$MODEL\",\"type\":1}" > /dev/null
  admin POST "/api/model_config/$SSE_MODEL" "{\"model\":\"$SSE_MODEL\",\"type\":1}" > /dev/null
  admin POST "/api/model_config/$SLOW_MODEL" "{\"model\":\"$SLOW_MODEL\",\"type\":1}" > /dev/null
  admin POST /api/channel/ "{\"type\":1,\"name\":\"bench\",\"key\":\"sk-bench\",\"base_url\":\"http://127.0.0.1:$DIRECT_PORT/v1\",\"models\":[\"$MODEL\"]}" > /dev/null
  admin POST /api/channel/ "{\"type\":1,\"name\":\"bench-sse\",\"key\":\"sk-bench\",\"base_url\":\"http://127.0.0.1:$DIRECT_PORT/sse/v1\",\"models\":[\"$SSE_MODEL\"]}" > /dev/null
  admin POST /api/channel/ "{\"type\":1,\"name\":\"bench-slow\",\"key\":\"sk-slow\",\"base_url\":\"http://127.0.0.1:$SLOW_PORT/v1\",\"models\":[\"$SLOW_MODEL\"]}" > /dev/null
  TOKEN_KEY="$(admin POST '/api/token/bench?auto_create_group=true' '{"name":"bench"}' | json_get data.key)" \
    || die "token response has no data.key"
  [[ "$TOKEN_KEY" == sk-* ]] && AUTH="Bearer $TOKEN_KEY" || AUTH="Bearer sk-$TOKEN_KEY"
  log "configured channels/models; client token ${TOKEN_KEY:0:6}..."

  # Wait (bounded) until the gateway routes both models (config may be cached).
  for m in "$MODEL" "$SSE_MODEL"; do
    stream=false
    [[ "$m" == "$SSE_MODEL" ]] && stream=true
    code=000
    for ((i = 0; i < 60; i++)); do
      code="$(curl -s -o "$TMP/probe.out" -w '%{http_code}' -m 5 -X POST -H "Authorization: $AUTH" \
        -H 'Content-Type: application/json' \
        --data "{\"model\":\"$m\",\"stream\":$stream,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
        "http://127.0.0.1:$GW_PORT/v1/chat/completions" || true)"
      [[ "$code" == 200 ]] && break
      sleep 0.5
    done
    [[ "$code" == 200 ]] || die "gateway never answered 200 for $m (last $code: $(head -c 300 "$TMP/probe.out"))"
  done
  sleep 1
  RSS_IDLE_KB="$(rss_kb "$GW_PID")"
  log "gateway RSS idle: $RSS_IDLE_KB kB"
fi

# ------------------------------------------------------------------ wrk
run_wrk() { # label url conns threads
  local label="$1" url="$2" conns="$3" threads="$4" out="$RES/wrk-$1-c$3.json"
  log "wrk $label -c$conns -t$threads -d$DURATION"
  BENCH_AUTH="$AUTH" BENCH_MODEL="$MODEL" BENCH_LABEL="$label" \
    timeout 900 wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout 5s -s "$HERE/wrk-chat.lua" "$url" \
    > "$TMP/wrk-$label-c$conns.txt" 2>&1 || log "warning: wrk $label -c$conns exited non-zero"
  grep '^RESULT ' "$TMP/wrk-$label-c$conns.txt" | tail -n1 | sed 's/^RESULT //' > "$out" || true
  [[ -s "$out" ]] || { log "wrk $label produced no result:"; tail -n 20 "$TMP/wrk-$label-c$conns.txt" >&2; rm -f "$out"; }
}

targets=("direct|http://127.0.0.1:$DIRECT_PORT/v1/chat/completions"
         "nginx-proxy|http://127.0.0.1:$PROXY_PORT/v1/chat/completions")
[[ "$SKIP_GATEWAY" != 1 ]] && targets+=("aiproxy|http://127.0.0.1:$GW_PORT/v1/chat/completions")

# Short warm-up so connection pools and caches are populated.
for t in "${targets[@]}"; do
  BENCH_AUTH="$AUTH" timeout 30 wrk -t1 -c4 -d2s -s "$HERE/wrk-chat.lua" "${t#*|}" > /dev/null 2>&1 || true
done
for spec in "64 2" "1 1"; do
  read -r conns threads <<< "$spec"
  for t in "${targets[@]}"; do
    run_wrk "${t%%|*}" "${t#*|}" "$conns" "$threads"
  done
done

if [[ "$SKIP_GATEWAY" != 1 ]]; then
  RSS_LOAD_KB="$(rss_kb "$GW_PID")"
  kill -0 "$GW_PID" 2>/dev/null || die "gateway died during load: $(tail -n 30 "$TMP/gateway.log")"
  log "gateway RSS after load: $RSS_LOAD_KB kB"
  printf '{"idle_kb":%s,"after_load_kb":%s}\n' "${RSS_IDLE_KB:-0}" "${RSS_LOAD_KB:-0}" > "$RES/rss.json"
fi

# ------------------------------------------------------------------ streaming TTFB
run_ttfb() { # label url model
  local label="$1" url="$2" model="$3"
  log "ttfb $label (n=$TTFB_N)"
  timeout 300 node "$HERE/ttfb.mjs" --url "$url" --model "$model" --n "$TTFB_N" --auth "$AUTH" \
    --label "$label" --deadline-s 120 > "$TMP/ttfb-$label.txt" || log "warning: ttfb $label reported failures"
  grep '^RESULT ' "$TMP/ttfb-$label.txt" | tail -n1 | sed 's/^RESULT //' > "$RES/ttfb-$label.json" || true
  [[ -s "$RES/ttfb-$label.json" ]] || rm -f "$RES/ttfb-$label.json"
}
run_ttfb direct "http://127.0.0.1:$DIRECT_PORT/sse/v1/chat/completions" "$MODEL"
[[ "$SKIP_GATEWAY" != 1 ]] && run_ttfb aiproxy "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$SSE_MODEL"

# ------------------------------------------------------------------ slow streams
SLOW_RC=0
if [[ "$SKIP_GATEWAY" != 1 && "$SKIP_SLOW" != 1 ]]; then
  log "slow streams: $SLOW_N concurrent, 50 events 100 ms apart, upstream 127.0.0.1:$SLOW_PORT"
  GATEWAY_PID="$GW_PID" timeout 300 node "$HERE/slowstreams.mjs" \
    --url "http://127.0.0.1:$GW_PORT/v1/chat/completions" --upstream-port "$SLOW_PORT" \
    --auth "$AUTH" --model "$SLOW_MODEL" --n "$SLOW_N" --events 50 --interval-ms 100 \
    --ramp-ms 1000 --deadline-s 180 > "$TMP/slow.txt" || SLOW_RC=$?
  grep '^RESULT ' "$TMP/slow.txt" | tail -n1 | sed 's/^RESULT //' > "$RES/slow.json" || true
  [[ -s "$RES/slow.json" ]] || rm -f "$RES/slow.json"
  ((SLOW_RC == 0)) || log "warning: slow streams test failed (exit $SLOW_RC)"
  kill -0 "$GW_PID" 2>/dev/null || log "warning: gateway is no longer running"
fi

# ------------------------------------------------------------------ report
GW_REV="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo none)"
META="$(printf '{"date":"%s","host":"%s","cores":%s,"kernel":"%s","nginx":"%s","wrk":"%s","node":"%s","rev":"%s","duration":"%s"}' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(hostname)" "$(nproc)" "$(uname -r)" \
  "$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')" "$(wrk -v 2>&1 | head -n1 | awk '{print $2}')" \
  "$(node --version)" "$GW_REV" "$DURATION")"

node - "$RES" "$META" > "$OUT_DIR/results.md" <<'NODE'
const fs = require('fs');
const path = require('path');
const [dir, metaJson] = process.argv.slice(2);
const meta = JSON.parse(metaJson);
const load = (f) => { try { return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')); } catch { return null; } };
const f = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const signed = (x, d = 3) => (typeof x === 'number' && Number.isFinite(x) ? (x >= 0 ? '+' : '') + x.toFixed(d) : 'n/a');
const mb = (kb) => (kb ? (kb / 1024).toFixed(1) + ' MB' : 'n/a');
const out = [];
out.push('# AI Proxy benchmark results', '');
out.push(`${meta.date} · ${meta.cores} cores · kernel ${meta.kernel} · nginx ${meta.nginx} · wrk ${meta.wrk} · node ${meta.node} · rev ${meta.rev}`, '');
out.push('All servers, load generators and upstreams share the same machine (loopback only).', '');
out.push(`## Non-streaming \`POST /v1/chat/completions\` (wrk, ${meta.duration} each)`, '');
out.push('| target | wrk | req/s | p50 (ms) | p99 (ms) | errors | added p50 vs direct (ms) |');
out.push('|---|---|---:|---:|---:|---:|---:|');
for (const [c, t] of [[64, 2], [1, 1]]) {
  const direct = load(`wrk-direct-c${c}.json`);
  for (const label of ['direct', 'nginx-proxy', 'aiproxy']) {
    const r = load(`wrk-${label}-c${c}.json`);
    if (!r) { if (label !== 'aiproxy' || fs.existsSync(path.join(dir, 'rss.json'))) out.push(`| ${label} | -c${c} -t${t} | n/a | n/a | n/a | n/a | n/a |`); continue; }
    const errs = r.err_connect + r.err_read + r.err_write + r.err_timeout + r.err_status;
    const added = label === 'direct' ? '—' : direct ? signed(r.p50_ms - direct.p50_ms) : 'n/a';
    out.push(`| ${label} | -c${c} -t${t} | ${f(r.rps, 0)} | ${f(r.p50_ms, 3)} | ${f(r.p99_ms, 3)} | ${errs}${r.err_status ? ` (${r.err_status} non-2xx)` : ''} | ${added} |`);
  }
}
out.push('');
const rss = load('rss.json');
const slow = load('slow.json');
if (rss) {
  out.push('## Gateway memory (VmRSS)', '');
  out.push('| when | RSS |', '|---|---:|');
  out.push(`| idle, before load | ${mb(rss.idle_kb)} |`);
  out.push(`| after wrk load | ${mb(rss.after_load_kb)} |`);
  if (slow) out.push(`| ${slow.n} slow streams open | ${slow.rss_all_open_mb ?? 'n/a'} MB (max during test ${slow.rss_max_mb ?? 'n/a'} MB) |`);
  out.push('');
}
const td = load('ttfb-direct.json');
const ta = load('ttfb-aiproxy.json');
if (td || ta) {
  out.push('## Streaming time to first byte (sequential `"stream":true` requests)', '');
  out.push('| target | requests | ok | TTFB p50 (ms) | TTFB p99 (ms) | added p50 vs direct (ms) |');
  out.push('|---|---:|---:|---:|---:|---:|');
  for (const [label, r] of [['direct nginx /sse', td], ['aiproxy', ta]]) {
    if (!r) continue;
    const added = r === td ? '—' : td ? signed(r.ttfb_p50_ms - td.ttfb_p50_ms) : 'n/a';
    out.push(`| ${label} | ${r.n} | ${r.ok} | ${f(r.ttfb_p50_ms, 3)} | ${f(r.ttfb_p99_ms, 3)} | ${added} |`);
  }
  out.push('');
}
if (slow) {
  out.push(`## ${slow.n} concurrent slow streams (${slow.events_per_stream} events, one per ${slow.interval_ms} ms)`, '');
  out.push('| metric | value |', '|---|---:|');
  out.push(`| streams complete (all events + [DONE]) | ${slow.ok} / ${slow.n} ${slow.failed ? '**FAIL**' : 'PASS'} |`);
  out.push(`| stalled streams (max gap > ${slow.stall_threshold_ms} ms) | ${slow.stalls} |`);
  out.push(`| per-stream max inter-event gap p50 / p99 / max (ms) | ${f(slow.max_gap_p50_ms, 1)} / ${f(slow.max_gap_p99_ms, 1)} / ${f(slow.max_gap_max_ms, 1)} |`);
  out.push(`| first event p50 / p99 (ms) | ${f(slow.first_event_p50_ms, 1)} / ${f(slow.first_event_p99_ms, 1)} |`);
  out.push(`| peak concurrent streams (client / upstream) | ${slow.peak_concurrent_client} / ${slow.peak_concurrent_upstream} |`);
  out.push(`| usage chunk delivered | ${slow.usage_chunk_seen} / ${slow.n} |`);
  out.push(`| gateway RSS with all streams open | ${slow.rss_all_open_mb ?? 'n/a'} MB |`);
  out.push(`| gateway threads (max) | ${slow.gateway_threads_max ?? 'n/a'} |`);
  out.push(`| wall time (s) | ${f(slow.elapsed_s, 1)} |`);
  if (Object.keys(slow.errors || {}).length) out.push(`| errors | ${Object.entries(slow.errors).map(([k, v]) => `${k.replace(/\|/g, '/')}: ${v}`).join('; ')} |`);
  out.push('');
}
console.log(out.join('\n'));
NODE

echo
cat "$OUT_DIR/results.md"
log "results written to $OUT_DIR/results.md"
exit "$SLOW_RC"
