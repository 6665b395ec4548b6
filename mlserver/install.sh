#!/usr/bin/env bash
# Install MLServer 1.7.1 (pinned in requirements.txt) into its own git-ignored
# venv: mlserver/.cache/venv (apart from MLflow's: it pins an older fastapi). Idempotent: a second run checks a marker and takes ~0.05 s.
# Concurrent runs are serialised with flock. Prints the venv path on stdout.
#
# Env knobs:
#   MLSERVER_CACHE_DIR  where the venv goes (default: <this dir>/.cache)
#   PYTHON            interpreter that creates the venv (default: python3, needs >= 3.10)
#   PIP_ARGS          extra pip arguments (e.g. "--index-url ...")
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${MLSERVER_CACHE_DIR:-$SCRIPT_DIR/.cache}"
VENV="$CACHE_DIR/venv"
REQ="$SCRIPT_DIR/requirements.txt"
PYTHON="${PYTHON:-python3}"

log() { echo "[mlserver/install] $*" >&2; }
die() { echo "[mlserver/install] ERROR: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: MLServer needs Python >= 3.10 with the venv module (Debian: apt-get install python3-venv)."
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || die "$("$PYTHON" --version 2>&1) is too old: MLServer 1.7 needs Python >= 3.10."

# The marker names exactly what was installed: the requirements and the interpreter.
want="$( (cat "$REQ"; "$PYTHON" --version 2>&1) | sha256sum | cut -c1-16)"
marker="$VENV/.installed"
if [[ -f "$marker" && "$(cat "$marker")" == "$want" && -x "$VENV/bin/mlserver" ]]; then
  echo "$VENV"
  exit 0
fi

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.install.lock"
command -v flock >/dev/null 2>&1 && flock 9
if [[ -f "$marker" && "$(cat "$marker")" == "$want" && -x "$VENV/bin/mlserver" ]]; then
  echo "$VENV"
  exit 0
fi

t0=$SECONDS
# A venv is not relocatable (scripts carry its absolute path), so it is built in place; the
# marker is written last, so an interrupted install is redone from scratch next time.
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV" || die "could not create a venv with $PYTHON"
log "installing MLServer 1.7.1 ($(grep -cv '^#' "$REQ") pinned packages) into $VENV ..."
# shellcheck disable=SC2086
if ! "$VENV/bin/pip" install --disable-pip-version-check --no-input -q ${PIP_ARGS:-} -r "$REQ" >"$CACHE_DIR/install.log" 2>&1; then
  tail -n 30 "$CACHE_DIR/install.log" >&2 || true
  die "pip could not install $REQ (log above; full log in $CACHE_DIR/install.log). Is PyPI reachable?"
fi
"$VENV/bin/mlserver" --help >/dev/null 2>&1 || die "mlserver does not run after the install (see $CACHE_DIR/install.log)"
echo "$want" >"$marker"
log "MLServer ready in $VENV ($((SECONDS - t0))s, $(du -sh "$VENV" | cut -f1))"
echo "$VENV"
