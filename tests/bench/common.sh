# Shell helpers shared by the by-hand benchmarks (run.sh, soak-routing.sh); sourced, not run.
# The sourcing script sets LOG_TAG, and ADMIN_KEY and GW_PORT before calling admin.

log() { printf '[%s] %s\n' "${LOG_TAG:-bench}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

stop_pid() { # pid signal grace_seconds
  local pid="$1" sig="$2" grace="$3" i
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still alive after ${grace}s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

free_port() {
  local py
  for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1; then
      if "$py" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null; then
        return 0
      fi
    fi
  done
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})'
}

# json_get FIELD.PATH < json : prints the value (strings raw, others as JSON).
json_get() {
  node -e '
let d = "";
process.stdin.on("data", (c) => (d += c)).on("end", () => {
  let v;
  try { v = JSON.parse(d); } catch (e) { console.error("not JSON: " + d.slice(0, 300)); process.exit(1); }
  for (const k of process.argv[1].split(".").filter(Boolean)) v = v == null ? undefined : v[k];
  if (v === undefined) process.exit(1);
  console.log(typeof v === "string" ? v : JSON.stringify(v));
});' "$1"
}

# admin METHOD PATH [BODY] : call the admin API, require success=true, print the response.
admin() {
  local method="$1" path="$2" body="${3:-}" resp
  local args=(-sS -m 15 -X "$method" -H "Authorization: Bearer $ADMIN_KEY")
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data "$body")
  resp="$(curl "${args[@]}" "http://127.0.0.1:$GW_PORT$path")" || die "admin $method $path: request failed"
  if [[ "$(printf '%s' "$resp" | json_get success 2>/dev/null || true)" != "true" ]]; then
    die "admin $method $path failed: ${resp:0:400}"
  fi
  printf '%s' "$resp"
}

# wait_gateway PID PORT LOGFILE : until the gateway answers on 127.0.0.1:PORT (30 s at most).
wait_gateway() {
  local pid="$1" port="$2" logfile="$3" i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || die "gateway exited: $(tail -n 30 "$logfile")"
    curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/" && return 0
    sleep 0.1
  done
  die "gateway did not answer on 127.0.0.1:$port within 30 s"
}
