#!/usr/bin/env bash
# Run a throw-away local Neo4j Community 5.26 server (no Docker, no internet at runtime).
#
#   bash neo4j/server.sh start    # provision if needed, start a fresh instance, print env lines
#   bash neo4j/server.sh status   # is the recorded instance running? (exit 0 yes, 3 no)
#   bash neo4j/server.sh stop     # stop the recorded instance and delete its run dir
#
# `start` prints (and writes to the env file):
#   NEO4J_URI=bolt://127.0.0.1:<port>
#   NEO4J_HTTP_URL=http://127.0.0.1:<port>
#   NEO4J_USER=neo4j
#   NEO4J_PASSWORD=<random>
#   NEO4J_PID=<server jvm pid>
#   NEO4J_HOME_RUN=<run dir>
#
# Which instance: with NEO4J_HOME_DIR set, the run dir is that directory and the
# instance is recorded in $NEO4J_HOME_DIR/server.env (use this for parallel
# instances: pass the same NEO4J_HOME_DIR to start/stop/status). Without it, a
# new dir neo4j/.cache/run-<timestamp>-<pid> is used and the instance is the
# one recorded in neo4j/.cache/current.env.
#
# Env knobs (all optional):
#   NEO4J_HOME_DIR        run dir for this instance (see above)
#   NEO4J_HEAP            JVM heap, initial = max (default 512m)
#   NEO4J_PAGECACHE       page cache size (default 512m)
#   NEO4J_BOLT_PORT       fixed bolt port (default: a free port on 127.0.0.1)
#   NEO4J_HTTP_PORT       fixed http port (default: a free port on 127.0.0.1)
#   NEO4J_PASSWORD        password for user neo4j (default: random, >= 8 chars required)
#   NEO4J_START_TIMEOUT   seconds to wait for readiness (default 90)
#   NEO4J_STOP_TIMEOUT    seconds to wait for graceful stop before SIGKILL (default 30)
#   NEO4J_EXTRA_CONF      extra neo4j.conf lines appended verbatim (newline separated)
#   NEO4J_IMPORT_DIR      bulk-import this directory (npm run lineage:export) into the fresh database before its first start
#   NEO4J_KEEP_RUN_DIR=1  keep the run dir (data + logs) on stop
#   NEO4J_WRITE_CURRENT=0 don't write neo4j/.cache/current.env (default: write it)
#   NEO4J_VERSION, NEO4J_CACHE_DIR, MVN, MVN_ARGS  passed to provision.sh
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${NEO4J_CACHE_DIR:-$SCRIPT_DIR/.cache}"
CURRENT_ENV="$CACHE_DIR/current.env"
RUN_MARKER=".neo4j-run" # only dirs carrying this file are ever deleted by `stop`

log() { echo "[neo4j/server] $*" >&2; }
die() { echo "[neo4j/server] ERROR: $*" >&2; exit 1; }

# ------------------------------------------------------------------ helpers
have() { command -v "$1" >/dev/null 2>&1; }

# Print two distinct free TCP ports on 127.0.0.1 (both sockets held open while choosing).
free_ports() {
  if have python3; then
    python3 - <<'EOF'
import socket
socks = []
for _ in range(2):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
  elif have node; then
    node -e '
      const net = require("net");
      const a = net.createServer(), b = net.createServer();
      a.listen(0, "127.0.0.1", () => b.listen(0, "127.0.0.1", () => {
        console.log(a.address().port + " " + b.address().port); a.close(); b.close();
      }));'
  else
    die "need python3 or node to pick free ports (or set NEO4J_BOLT_PORT and NEO4J_HTTP_PORT)."
  fi
}

random_password() {
  if have python3; then
    python3 -c 'import secrets; print(secrets.token_hex(16))'
  else
    LC_ALL=C tr -dc 'a-f0-9' </dev/urandom | head -c 32
    echo
  fi
}

tcp_open() { # $1=port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Run `RETURN 1` through the HTTP transactional endpoint; succeeds only when the
# default database is online and the credentials work.
query_ok() { # $1=http port $2=password
  local url="http://127.0.0.1:$1/db/neo4j/tx/commit"
  local body='{"statements":[{"statement":"RETURN 1 AS ok"}]}'
  local out
  if have curl; then
    out="$(curl -sS -m 5 -u "neo4j:$2" -H 'Content-Type: application/json' \
      -H 'Accept: application/json' -d "$body" "$url" 2>/dev/null)" || return 1
  elif have python3; then
    out="$(NEO4J_Q_URL="$url" NEO4J_Q_PW="$2" NEO4J_Q_BODY="$body" python3 - 2>/dev/null <<'EOF'
import base64, os, urllib.request
req = urllib.request.Request(os.environ["NEO4J_Q_URL"], data=os.environ["NEO4J_Q_BODY"].encode(),
    headers={"Content-Type": "application/json", "Accept": "application/json",
             "Authorization": "Basic " + base64.b64encode(("neo4j:" + os.environ["NEO4J_Q_PW"]).encode()).decode()})
print(urllib.request.urlopen(req, timeout=5).read().decode())
EOF
)" || return 1
  else
    return 0 # no HTTP client: rely on the Bolt TCP check only
  fi
  [[ "$out" == *'"errors":[]'* && "$out" == *'[1]'* ]]
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# Is $1 a Neo4j JVM whose command line references run dir $2? (guards against PID reuse)
pid_is_ours() {
  pid_alive "$1" || return 1
  local cmd=""
  if [[ -r "/proc/$1/cmdline" ]]; then
    cmd="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true)"
  else
    cmd="$(ps -o args= -p "$1" 2>/dev/null || true)"
  fi
  [[ "$cmd" == *"$2"* ]]
}

env_file_for_target() {
  if [[ -n "${NEO4J_HOME_DIR:-}" ]]; then
    echo "$NEO4J_HOME_DIR/server.env"
  else
    echo "$CURRENT_ENV"
  fi
}

# Read NEO4J_* keys from an env file into variables E_<KEY> (no eval/sourcing).
read_env() { # $1=file
  E_NEO4J_PID="" E_NEO4J_HOME_RUN="" E_NEO4J_URI="" E_NEO4J_HTTP_URL=""
  local k v
  while IFS='=' read -r k v; do
    case "$k" in
      NEO4J_PID) E_NEO4J_PID="$v" ;;
      NEO4J_HOME_RUN) E_NEO4J_HOME_RUN="$v" ;;
      NEO4J_URI) E_NEO4J_URI="$v" ;;
      NEO4J_HTTP_URL) E_NEO4J_HTTP_URL="$v" ;;
    esac
  done <"$1"
}

kill_and_wait() { # $1=pid $2=timeout seconds; graceful TERM then KILL
  local pid="$1" timeout="$2" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 5; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.2
  done
  log "pid $pid did not exit within ${timeout}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  return 1
}

remove_run_dir() { # $1=dir
  local d="$1"
  [[ -n "$d" && -d "$d" ]] || return 0
  if [[ "${NEO4J_KEEP_RUN_DIR:-0}" == "1" ]]; then
    log "keeping run dir $d (NEO4J_KEEP_RUN_DIR=1)"
  elif [[ -f "$d/$RUN_MARKER" ]]; then
    rm -rf "$d"
  else
    log "not deleting $d: it has no $RUN_MARKER marker"
  fi
}

print_logs() { # $1=run dir
  local f
  for f in "$1/logs/neo4j.log" "$1/logs/bootloader.log"; do
    if [[ -s "$f" ]]; then
      echo "----- tail $f -----" >&2
      tail -n 30 "$f" >&2 || true
    fi
  done
  if [[ -s "$1/logs/debug.log" ]]; then
    echo "----- ERROR/WARN lines of $1/logs/debug.log -----" >&2
    grep -E ' (ERROR|WARN) ' "$1/logs/debug.log" | tail -n 20 >&2 || true
  fi
}

# ------------------------------------------------------------------ commands
cmd_status() {
  local envf
  envf="$(env_file_for_target)"
  if [[ ! -f "$envf" ]]; then
    echo "neo4j: not running (no $envf)"
    return 3
  fi
  read_env "$envf"
  if pid_is_ours "$E_NEO4J_PID" "$E_NEO4J_HOME_RUN"; then
    echo "neo4j: running pid=$E_NEO4J_PID uri=$E_NEO4J_URI http=$E_NEO4J_HTTP_URL run=$E_NEO4J_HOME_RUN"
    return 0
  fi
  echo "neo4j: not running (stale $envf, pid ${E_NEO4J_PID:-?})"
  return 3
}

cmd_stop() {
  local envf
  envf="$(env_file_for_target)"
  if [[ ! -f "$envf" ]]; then
    log "nothing to stop (no $envf)"
    [[ -n "${NEO4J_HOME_DIR:-}" ]] && remove_run_dir "$NEO4J_HOME_DIR"
    return 0
  fi
  read_env "$envf"
  local timeout="${NEO4J_STOP_TIMEOUT:-30}"
  if pid_is_ours "$E_NEO4J_PID" "$E_NEO4J_HOME_RUN"; then
    log "stopping neo4j pid $E_NEO4J_PID ..."
    kill_and_wait "$E_NEO4J_PID" "$timeout" || die "could not kill pid $E_NEO4J_PID"
  else
    log "neo4j pid ${E_NEO4J_PID:-?} is not running"
  fi
  # Drop current.env if it points at this instance.
  if [[ -f "$CURRENT_ENV" ]]; then
    local cur_run
    cur_run="$(sed -n 's/^NEO4J_HOME_RUN=//p' "$CURRENT_ENV")"
    [[ "$cur_run" == "$E_NEO4J_HOME_RUN" ]] && rm -f "$CURRENT_ENV"
  fi
  rm -f "$envf"
  remove_run_dir "$E_NEO4J_HOME_RUN"
  log "stopped"
}

cmd_start() {
  # Idempotent default instance: if current.env's server is alive, just re-print it.
  if [[ -z "${NEO4J_HOME_DIR:-}" && -f "$CURRENT_ENV" ]]; then
    read_env "$CURRENT_ENV"
    if pid_is_ours "$E_NEO4J_PID" "$E_NEO4J_HOME_RUN"; then
      log "already running (pid $E_NEO4J_PID); stop it first for a fresh one"
      grep '^NEO4J_' "$CURRENT_ENV"
      return 0
    fi
    rm -f "$CURRENT_ENV"
  fi

  local t0=$SECONDS install
  install="$(bash "$SCRIPT_DIR/provision.sh")"
  [[ -x "$install/bin/neo4j" ]] || die "provision.sh did not produce an install ($install)"
  local t_prov=$((SECONDS - t0))

  local run="${NEO4J_HOME_DIR:-}"
  if [[ -z "$run" ]]; then
    mkdir -p "$CACHE_DIR"
    run="$CACHE_DIR/run-$(date +%Y%m%d-%H%M%S)-$$"
  fi
  mkdir -p "$run"
  run="$(cd "$run" && pwd)"
  if [[ -f "$run/server.env" ]]; then
    read_env "$run/server.env"
    pid_is_ours "$E_NEO4J_PID" "$E_NEO4J_HOME_RUN" &&
      die "an instance is already running in $run (pid $E_NEO4J_PID); stop it first"
  fi
  # A fresh instance: wipe whatever an earlier (crashed) run left in our own run dir.
  if [[ -f "$run/$RUN_MARKER" ]]; then
    rm -rf "${run:?}/conf" "$run/data" "$run/logs" "$run/run" "$run/import" "$run/server.env"
  elif [[ -n "$(ls -A "$run")" ]]; then
    die "run dir $run is not empty and not a previous neo4j run dir; refusing to use it"
  fi
  touch "$run/$RUN_MARKER"
  mkdir -p "$run/conf" "$run/data" "$run/logs" "$run/run" "$run/import"

  local ok=0
  # Cleanup on failure (but keep the logs when asked).
  cleanup_failed_start() {
    if [[ "$ok" != "1" ]]; then
      local p
      p="$(cat "$run/run/neo4j.pid" 2>/dev/null || true)"
      if pid_is_ours "$p" "$run"; then kill_and_wait "$p" 5 || true; fi
      remove_run_dir "$run"
    fi
  }
  trap cleanup_failed_start EXIT

  local password="${NEO4J_PASSWORD:-$(random_password)}"
  (( ${#password} >= 8 )) || die "NEO4J_PASSWORD must be at least 8 characters"
  local heap="${NEO4J_HEAP:-512m}" pagecache="${NEO4J_PAGECACHE:-512m}"
  local timeout="${NEO4J_START_TIMEOUT:-90}"

  export NEO4J_HOME="$install" NEO4J_CONF="$run/conf"
  # The bootloader lets JAVA_OPTS / HEAP_SIZE replace the JVM flags and memory
  # settings from neo4j.conf; don't let a stray value from the caller's env do that.
  unset JAVA_OPTS HEAP_SIZE

  local attempt bolt http pid started
  for attempt in 1 2 3; do
    if [[ -n "${NEO4J_BOLT_PORT:-}" && -n "${NEO4J_HTTP_PORT:-}" ]]; then
      bolt="$NEO4J_BOLT_PORT" http="$NEO4J_HTTP_PORT"
    else
      read -r bolt http < <(free_ports)
      bolt="${NEO4J_BOLT_PORT:-$bolt}" http="${NEO4J_HTTP_PORT:-$http}"
    fi

    cp "$install/conf/server-logs.xml" "$install/conf/user-logs.xml" "$run/conf/"
    {
      cat "$install/conf/neo4j.conf"
      echo
      echo "# ---- per-run settings written by neo4j/server.sh ----"
      echo "server.bolt.listen_address=127.0.0.1:$bolt"
      echo "server.bolt.advertised_address=127.0.0.1:$bolt"
      echo "server.http.listen_address=127.0.0.1:$http"
      echo "server.http.advertised_address=127.0.0.1:$http"
      echo "server.directories.data=$run/data"
      echo "server.directories.transaction.logs.root=$run/data/transactions"
      echo "server.directories.logs=$run/logs"
      echo "server.directories.run=$run/run"
      echo "server.directories.import=$run/import"
      echo "server.directories.dumps.root=$run/data/dumps"
      echo "server.directories.plugins=$install/plugins"
      echo "server.directories.lib=$install/lib"
      echo "server.logs.config=$run/conf/server-logs.xml"
      echo "server.logs.user.config=$run/conf/user-logs.xml"
      echo "server.memory.heap.initial_size=$heap"
      echo "server.memory.heap.max_size=$heap"
      echo "server.memory.pagecache.size=$pagecache"
      # Client transaction timeouts are enforced by a monitor that wakes every 2 s by default,
      # so a 5 s query limit could run for 7 s (and a fast machine can fill the heap first).
      echo "db.transaction.monitor.check.interval=100ms"
      if [[ -n "${NEO4J_EXTRA_CONF:-}" ]]; then
        echo "# ---- NEO4J_EXTRA_CONF ----"
        printf '%s\n' "$NEO4J_EXTRA_CONF"
      fi
    } >"$run/conf/neo4j.conf"

    if [[ ! -f "$run/data/dbms/auth.ini" ]]; then
      "$install/bin/neo4j-admin" dbms set-initial-password "$password" >"$run/logs/admin.log" 2>&1 ||
        { cat "$run/logs/admin.log" >&2; die "neo4j-admin dbms set-initial-password failed"; }
    fi

    # First load by the offline bulk importer (issue 11): NEO4J_IMPORT_DIR holds the CSV files and
    # import.args written by `npm run lineage:export`. The run dir is fresh (wiped above), so the
    # import never overwrites a graph; it runs once, before the first start.
    if [[ -n "${NEO4J_IMPORT_DIR:-}" && ! -d "$run/data/databases/neo4j" ]]; then
      [[ -f "$NEO4J_IMPORT_DIR/import.args" ]] || die "NEO4J_IMPORT_DIR=$NEO4J_IMPORT_DIR has no import.args (write it with npm run lineage:export)"
      local t_imp=$SECONDS import_args=()
      mapfile -t import_args < <(grep -v '^[[:space:]]*$' "$NEO4J_IMPORT_DIR/import.args")
      (cd "$NEO4J_IMPORT_DIR" && "$install/bin/neo4j-admin" database import full neo4j "${import_args[@]}") >"$run/logs/import.log" 2>&1 ||
        { tail -40 "$run/logs/import.log" >&2; die "neo4j-admin database import failed (log above; the database was not created)"; }
      log "bulk import from $NEO4J_IMPORT_DIR took $((SECONDS - t_imp))s"
    fi

    log "starting neo4j (bolt 127.0.0.1:$bolt, http 127.0.0.1:$http, heap $heap, pagecache $pagecache, run dir $run) ..."
    local t_start=$SECONDS start_rc=0
    rm -f "$run/run/neo4j.pid" "$run/logs/neo4j.log" "$run/logs/debug.log" "$run/logs/bootloader.log"
    # `neo4j start` spawns the server JVM detached, writes run/neo4j.pid and waits
    # until the server has got going (or failed). Its output goes to a file so the
    # server never holds our stdout/stderr open.
    "$install/bin/neo4j" start </dev/null >"$run/logs/bootloader.log" 2>&1 || start_rc=$?
    pid="$(cat "$run/run/neo4j.pid" 2>/dev/null || true)"

    started=0
    if [[ "$start_rc" == "0" && -n "$pid" ]]; then
      while (( SECONDS - t_start < timeout )); do
        pid_alive "$pid" || break
        if tcp_open "$bolt" && query_ok "$http" "$password"; then
          started=1
          break
        fi
        sleep 0.5
      done
    fi
    if [[ "$started" == "1" ]]; then
      log "ready after $((SECONDS - t_start))s (provision check ${t_prov}s)"
      break
    fi
    if [[ "$start_rc" == "0" ]] && pid_alive "$pid"; then
      print_logs "$run"
      die "neo4j did not become ready within ${timeout}s (see logs above)"
    fi
    # Failed or died. Retry with new ports only if it lost a port race.
    if pid_is_ours "$pid" "$run"; then kill_and_wait "$pid" 10 || true; fi
    if [[ -z "${NEO4J_BOLT_PORT:-}${NEO4J_HTTP_PORT:-}" ]] && (( attempt < 3 )) &&
       grep -qsiE 'address already in use|PortBindException' "$run/logs/neo4j.log" "$run/logs/debug.log"; then
      log "port clash, retrying with other ports"
      continue
    fi
    print_logs "$run"
    die "neo4j failed to start (exit $start_rc; see logs above)"
  done

  local lines
  lines="NEO4J_URI=bolt://127.0.0.1:$bolt
NEO4J_HTTP_URL=http://127.0.0.1:$http
NEO4J_USER=neo4j
NEO4J_PASSWORD=$password
NEO4J_PID=$pid
NEO4J_HOME_RUN=$run"
  (umask 077 && printf '%s\n' "$lines" >"$run/server.env")
  if [[ "${NEO4J_WRITE_CURRENT:-1}" != "0" ]]; then
    (umask 077 && printf '%s\n' "$lines" >"$CURRENT_ENV")
  fi
  ok=1
  trap - EXIT
  printf '%s\n' "$lines"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart) cmd_stop; cmd_start ;;
  *)
    echo "usage: $0 start|stop|status|restart   (see header of $0 for env knobs)" >&2
    exit 2
    ;;
esac
