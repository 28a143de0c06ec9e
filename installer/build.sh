#!/usr/bin/env bash
# AI Proxy build helper.
#
#   installer/build.sh deps    install the Debian packages needed to build, run and test
#   installer/build.sh build   configure (once) and build into <repo>/build
#   installer/build.sh run     deps + build, then run the gateway (console) in $DATA_DIR
#   installer/build.sh test    deps + build, then run ctest against a private PostgreSQL
#
# Environment:
#   DATA_DIR    data directory for `run` (default: <repo>/build/data)
#   CCACHE_DIR  compiler cache (default: /var/cache/aiproxy-ccache)
#   JOBS        parallel build jobs (default: 2)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$REPO/build"
JOBS="${JOBS:-2}"

DEPS=(
  cmake g++ ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev
  qt6-declarative-dev qt6-declarative-dev-tools qt6-charts-dev qt6-tools-dev qt6-l10n-tools
  qt6-qpa-plugins libqt6sql6-sqlite libqt6sql6-psql libgl-dev libvulkan-dev
  libcurl4-openssl-dev libsqlite3-dev zlib1g-dev libjemalloc-dev libhiredis-dev postgresql redis-server nodejs npm curl ca-certificates
)

log() { printf '[build.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  cat <<USAGE
usage: $(basename "$0") <command>

commands:
  deps    apt-get install the build/run/test dependencies (skipped when all are installed)
  build   configure with CMake (Ninja, RelWithDebInfo) if needed, then build into build/
  run     deps + build, then exec build/app/console/aiproxy in \$DATA_DIR
          (default DATA_DIR: $REPO/build/data)
  test    deps + build, then start a private PostgreSQL on 127.0.0.1 and run ctest
USAGE
}

pkg_installed() {
  local status
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]]
}

# Some node distributions (e.g. a nodejs package that bundles npm and
# "Provides/Conflicts: npm") make the separate npm package uninstallable.
# Treat a package as satisfied when an equivalent tool is already present.
pkg_satisfied() {
  local p="$1"
  pkg_installed "$p" && return 0
  case "$p" in
    npm) command -v npm >/dev/null 2>&1 && return 0 ;;
    nodejs) command -v node >/dev/null 2>&1 && return 0 ;;
  esac
  return 1
}

cmd_deps() {
  local missing=() p
  for p in "${DEPS[@]}"; do
    pkg_satisfied "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "deps: all ${#DEPS[@]} packages already installed"
    return 0
  fi
  log "deps: installing: ${missing[*]}"
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install packages"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update || log "warning: apt-get update failed; trying the install anyway"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

cmd_build() {
  export CCACHE_DIR="${CCACHE_DIR:-/var/cache/aiproxy-ccache}"
  # Hits across checkouts in different folders (CI builds a fresh clone elsewhere).
  export CCACHE_BASEDIR="$REPO" CCACHE_NOHASHDIR=1
  mkdir -p "$CCACHE_DIR" 2>/dev/null || export CCACHE_DIR="$HOME/.cache/aiproxy-ccache"
  if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
    log "configuring $BUILD_DIR"
    cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  log "building (-j$JOBS, CCACHE_DIR=$CCACHE_DIR)"
  cmake --build "$BUILD_DIR" -j"$JOBS"
}

cmd_run() {
  cmd_deps
  cmd_build
  export DATA_DIR="${DATA_DIR:-$BUILD_DIR/data}"
  mkdir -p "$DATA_DIR"
  cd "$DATA_DIR"
  log "starting gateway (DATA_DIR=$DATA_DIR)"
  exec "$BUILD_DIR/app/console/aiproxy" "$@"
}

# Ask the kernel for a free TCP port on 127.0.0.1.
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

PG_DIR=""
PG_BIN=""
# Run a command as the postgres user from a directory it can read
# (initdb refuses root; /root as cwd produces permission warnings).
as_pg() { (cd "${PG_DIR:-/}" && runuser -u postgres -- "$@"); }

pg_stop() {
  if [[ -n "$PG_DIR" && -d "$PG_DIR" ]]; then
    if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
      log "stopping PostgreSQL ($PG_DIR)"
      as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 || {
        local pid
        pid="$(head -n1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)"
        [[ "$pid" =~ ^[0-9]+$ ]] && kill -9 "$pid" 2>/dev/null || true
      }
    fi
    rm -rf "$PG_DIR"
  fi
  PG_DIR=""
}

pg_start() {
  local d
  PG_BIN=""
  # Newest installed major version first.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then PG_BIN="$d"; break; fi
  done
  [[ -n "$PG_BIN" ]] || die "no PostgreSQL binaries found in /usr/lib/postgresql/*/bin"
  id postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (is the postgresql package installed?)"

  PG_DIR="$(mktemp -d /tmp/aiproxy-ci-pg-XXXX)"
  chown postgres:postgres "$PG_DIR"
  chmod 700 "$PG_DIR"
  log "initdb in $PG_DIR ($PG_BIN)"
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 \
    --no-locale >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }

  local attempt port=""
  for attempt in 1 2 3; do
    port="$(free_port)"
    log "starting PostgreSQL on 127.0.0.1:$port (attempt $attempt)"
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
      break
    fi
    port=""
    tail -n 20 "$PG_DIR/server.log" >&2 || true
  done
  [[ -n "$port" ]] || die "PostgreSQL did not start"

  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres aiproxy_test
  export AIPROXY_TEST_PG_DSN="postgres://postgres@127.0.0.1:${port}/aiproxy_test?sslmode=disable"
  log "AIPROXY_TEST_PG_DSN=$AIPROXY_TEST_PG_DSN"
}

npm_deps() {
  local dir="$REPO/tests/conformance"
  [[ -f "$dir/package.json" ]] || return 0
  log "installing npm test dependencies in tests/conformance"
  if [[ -f "$dir/package-lock.json" || -f "$dir/npm-shrinkwrap.json" ]]; then
    (cd "$dir" && npm ci --no-audit --no-fund)
  else
    (cd "$dir" && npm install --no-audit --no-fund)
  fi
}

cmd_test() {
  cmd_deps
  cmd_build
  trap pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  pg_start
  npm_deps
  export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
  local rc=0
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j1 --timeout 600 || rc=$?
  log "ctest exited with status $rc"
  exit "$rc"
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    deps) cmd_deps ;;
    build) cmd_build ;;
    run) cmd_run "$@" ;;
    test) cmd_test ;;
    -h|--help|help) usage ;;
    "") usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
