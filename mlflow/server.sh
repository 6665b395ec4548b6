#!/usr/bin/env bash
# Run a throw-away local MLflow 3.17.2 tracking server + model registry (sqlite backend).
#
#   bash mlflow/server.sh start    # install if needed, start a fresh instance, print env lines
#   bash mlflow/server.sh status   # is the recorded instance answering /health? (exit 0 yes, 3 no)
#   bash mlflow/server.sh stop     # stop the recorded instance and delete its run dir
#
# `start` prints (and writes to the env file):
#   MLFLOW_URL=http://127.0.0.1:<port>
#   MLFLOW_PID=<pid of `mlflow server`, leader of its own process group>
#   MLFLOW_RUN_DIR=<run dir: mlflow.db, artifacts/, server.log>
#
# Which instance: with MLFLOW_HOME_DIR set, the run dir is that directory and the instance is
# recorded in $MLFLOW_HOME_DIR/server.env (parallel instances: pass the same MLFLOW_HOME_DIR to
# start/stop/status). Without it, a new dir mlflow/.cache/run-<timestamp>-<pid> is used and the
# instance is the one recorded in mlflow/.cache/current.env.
#
# Env knobs (all optional):
#   MLFLOW_HOME_DIR         run dir for this instance (see above)
#   MLFLOW_PORT             fixed port (default: a free port on 127.0.0.1)
#   MLFLOW_START_TIMEOUT    seconds to wait for /health (default 180; 9-45 s measured on 2 cores)
#   MLFLOW_STOP_TIMEOUT     seconds of graceful stop before SIGKILL (default 20)
#   MLFLOW_KEEP_RUN_DIR=1   keep the run dir (database, artifacts, log) on stop
#   MLFLOW_REUSE_RUN_DIR=1  start on the kept run dir's database instead of a fresh one (with
#                           MLFLOW_PORT: the same server back after an outage)
#   MLFLOW_WRITE_CURRENT=0  don't write mlflow/.cache/current.env
#   MLFLOW_SERVER_ARGS      extra `mlflow server` arguments, appended as-is
#   MLFLOW_CACHE_DIR, PYTHON, PIP_ARGS  passed to install.sh
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${MLFLOW_CACHE_DIR:-$SCRIPT_DIR/.cache}"
CURRENT_ENV="$CACHE_DIR/current.env"
RUN_MARKER=".mlflow-run" # only dirs carrying this file are ever deleted by `stop`

log() { echo "[mlflow/server] $*" >&2; }
die() { echo "[mlflow/server] ERROR: $*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

health_ok() { # $1=url
  curl -fsS --max-time 2 "$1/health" >/dev/null 2>&1
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# The pid is still our server (not a recycled pid): its command line names our run dir.
pid_is_ours() { # $1=pid $2=run dir
  pid_alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2/"
}

# SIGTERM the server (it stops its uvicorn worker itself), then SIGKILL its process group.
kill_and_wait() { # $1=pid $2=timeout seconds
  local pid="$1" t0=$SECONDS
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid" && (( SECONDS - t0 < $2 )); do sleep 0.2; done
  # setsid made the server the leader of its own group: the group holds only its children.
  kill -KILL -- "-$pid" 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
  t0=$SECONDS
  while pid_alive "$pid" && (( SECONDS - t0 < 5 )); do sleep 0.1; done
  ! pid_alive "$pid"
}

env_file_for_target() {
  if [[ -n "${MLFLOW_HOME_DIR:-}" ]]; then echo "$MLFLOW_HOME_DIR/server.env"; else echo "$CURRENT_ENV"; fi
}

read_env() { # $1=file -> E_MLFLOW_URL E_MLFLOW_PID E_MLFLOW_RUN_DIR
  E_MLFLOW_URL="$(sed -n 's/^MLFLOW_URL=//p' "$1")"
  E_MLFLOW_PID="$(sed -n 's/^MLFLOW_PID=//p' "$1")"
  E_MLFLOW_RUN_DIR="$(sed -n 's/^MLFLOW_RUN_DIR=//p' "$1")"
}

remove_run_dir() { # $1=dir
  [[ "${MLFLOW_KEEP_RUN_DIR:-0}" == "1" ]] && { log "keeping $1"; return 0; }
  if [[ -n "$1" && -f "$1/$RUN_MARKER" ]]; then rm -rf "$1"; fi
}

cmd_status() {
  local envf
  envf="$(env_file_for_target)"
  [[ -f "$envf" ]] || { log "not running (no $envf)"; exit 3; }
  read_env "$envf"
  if pid_is_ours "$E_MLFLOW_PID" "$E_MLFLOW_RUN_DIR" && health_ok "$E_MLFLOW_URL"; then
    log "running: $E_MLFLOW_URL (pid $E_MLFLOW_PID)"
    cat "$envf"
    exit 0
  fi
  log "not running"
  exit 3
}

cmd_stop() {
  local envf
  envf="$(env_file_for_target)"
  if [[ ! -f "$envf" ]]; then
    log "nothing to stop (no $envf)"
    [[ -n "${MLFLOW_HOME_DIR:-}" ]] && remove_run_dir "$MLFLOW_HOME_DIR"
    return 0
  fi
  read_env "$envf"
  if pid_is_ours "$E_MLFLOW_PID" "$E_MLFLOW_RUN_DIR"; then
    log "stopping mlflow pid $E_MLFLOW_PID ..."
    kill_and_wait "$E_MLFLOW_PID" "${MLFLOW_STOP_TIMEOUT:-20}" || die "could not kill pid $E_MLFLOW_PID"
  else
    log "mlflow pid ${E_MLFLOW_PID:-?} is not running"
  fi
  if [[ -f "$CURRENT_ENV" ]] && [[ "$(sed -n 's/^MLFLOW_RUN_DIR=//p' "$CURRENT_ENV")" == "$E_MLFLOW_RUN_DIR" ]]; then
    rm -f "$CURRENT_ENV"
  fi
  rm -f "$envf"
  remove_run_dir "$E_MLFLOW_RUN_DIR"
  log "stopped"
}

cmd_start() {
  if [[ -z "${MLFLOW_HOME_DIR:-}" && -f "$CURRENT_ENV" ]]; then
    read_env "$CURRENT_ENV"
    if pid_is_ours "$E_MLFLOW_PID" "$E_MLFLOW_RUN_DIR"; then
      log "already running (pid $E_MLFLOW_PID); stop it first for a fresh one"
      grep '^MLFLOW_' "$CURRENT_ENV"
      return 0
    fi
    rm -f "$CURRENT_ENV"
  fi
  command -v curl >/dev/null 2>&1 || die "curl not found (used to wait for /health)"

  local t_install=$SECONDS venv
  venv="$(bash "$SCRIPT_DIR/install.sh")"
  t_install=$((SECONDS - t_install))

  local run="${MLFLOW_HOME_DIR:-$CACHE_DIR/run-$(date +%Y%m%d-%H%M%S)-$$}"
  if [[ -d "$run" && -n "$(ls -A "$run" 2>/dev/null)" && ! -f "$run/$RUN_MARKER" ]]; then
    die "$run exists, is not empty and is not an MLflow run dir"
  fi
  if [[ "${MLFLOW_REUSE_RUN_DIR:-0}" == 1 && -f "$run/$RUN_MARKER" ]]; then
    log "reusing the data in $run"
  else
    rm -rf "$run"
  fi
  mkdir -p "$run/artifacts"
  touch "$run/$RUN_MARKER"
  run="$(cd "$run" && pwd)"

  local ok=0 pid="" port url
  trap '[[ "$ok" == 1 ]] || { [[ -n "$pid" ]] && kill_and_wait "$pid" 5 >/dev/null 2>&1; [[ "${MLFLOW_KEEP_RUN_DIR:-0}" == 1 ]] || rm -rf "$run"; }' EXIT
  local timeout="${MLFLOW_START_TIMEOUT:-180}" t_start=$SECONDS attempt
  for attempt in 1 2 3; do
    port="${MLFLOW_PORT:-$(free_port)}"
    url="http://127.0.0.1:$port"
    log "starting mlflow server on $url (run dir $run, attempt $attempt)"
    # setsid: the server leads its own process group, so `stop` can reap its children too.
    # Telemetry off (no phone-home); the job runner (prompt optimisation, trace rollups) is not used.
    # shellcheck disable=SC2086
    MLFLOW_DISABLE_TELEMETRY=true MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false PYTHONUNBUFFERED=1 \
      setsid "$venv/bin/mlflow" server \
        --backend-store-uri "sqlite:///$run/mlflow.db" \
        --artifacts-destination "$run/artifacts" \
        --host 127.0.0.1 --port "$port" --workers 1 ${MLFLOW_SERVER_ARGS:-} \
        </dev/null >"$run/server.log" 2>&1 &
    pid=$!
    local started=0
    while (( SECONDS - t_start < timeout )); do
      pid_alive "$pid" || break
      if health_ok "$url"; then started=1; break; fi
      sleep 0.5
    done
    if [[ "$started" == 1 ]]; then
      log "ready after $((SECONDS - t_start))s (install check ${t_install}s)"
      break
    fi
    if pid_alive "$pid"; then
      tail -n 40 "$run/server.log" >&2 || true
      die "mlflow did not answer /health within ${timeout}s (log above)"
    fi
    if [[ -z "${MLFLOW_PORT:-}" ]] && (( attempt < 3 )) && grep -qsiE 'address already in use|Errno 98' "$run/server.log"; then
      log "port clash, retrying with another port"
      pid=""
      continue
    fi
    tail -n 40 "$run/server.log" >&2 || true
    die "mlflow server exited during startup (log above)"
  done

  local lines="MLFLOW_URL=$url
MLFLOW_PID=$pid
MLFLOW_RUN_DIR=$run"
  printf '%s\n' "$lines" >"$run/server.env"
  if [[ "${MLFLOW_WRITE_CURRENT:-1}" != "0" ]]; then printf '%s\n' "$lines" >"$CURRENT_ENV"; fi
  ok=1
  trap - EXIT
  printf '%s\n' "$lines"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart) cmd_stop; cmd_start ;;
  *) echo "usage: $0 start|stop|status|restart   (see the header of $0 for env knobs)" >&2; exit 2 ;;
esac
