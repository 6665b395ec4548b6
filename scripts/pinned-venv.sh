#!/usr/bin/env bash
# One pinned Python venv for a real platform (mlflow/, mlserver/, openlineage/ call this from
# their install.sh). Installs <dir>/requirements.txt into <cache>/venv, git-ignored.
# Idempotent: a marker holds the hash of the requirements and the interpreter, so a second run
# takes ~0.05 s; concurrent runs are serialised with flock; the marker is written last, so an
# interrupted install is redone from scratch. Prints the venv path on stdout.
#
#   bash scripts/pinned-venv.sh <label> <dir> <cache dir> <check command relative to the venv> [args…]
#   e.g. bash scripts/pinned-venv.sh "MLflow 3.17.2" mlflow mlflow/.cache bin/mlflow --version
#
# Env knobs: PYTHON (default python3, needs >= 3.10), PIP_ARGS (extra pip arguments).
set -euo pipefail
LABEL="$1"; DIR="$2"; CACHE_DIR="$3"; CHECK="$4"; shift 4
VENV="$CACHE_DIR/venv"
REQ="$DIR/requirements.txt"
PYTHON="${PYTHON:-python3}"
TAG="[$(basename "$DIR")/install]"
log() { echo "$TAG $*" >&2; }
die() { echo "$TAG ERROR: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: $LABEL needs Python >= 3.10 with the venv module (Debian: apt-get install python3-venv)."
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || die "$("$PYTHON" --version 2>&1) is too old: $LABEL needs Python >= 3.10."

want="$( (cat "$REQ"; "$PYTHON" --version 2>&1) | sha256sum | cut -c1-16)"
marker="$VENV/.installed"
ready() { [[ -f "$marker" && "$(cat "$marker")" == "$want" && -x "$VENV/$CHECK" ]]; }
if ready; then echo "$VENV"; exit 0; fi

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.install.lock"
command -v flock >/dev/null 2>&1 && flock 9
if ready; then echo "$VENV"; exit 0; fi

t0=$SECONDS
# A venv is not relocatable (its scripts carry its absolute path), so it is built in place.
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV" || die "could not create a venv with $PYTHON"
log "installing $LABEL ($(grep -cv '^#' "$REQ") pinned packages) into $VENV ..."
# shellcheck disable=SC2086
if ! "$VENV/bin/pip" install --disable-pip-version-check --no-input -q ${PIP_ARGS:-} -r "$REQ" >"$CACHE_DIR/install.log" 2>&1; then
  tail -n 30 "$CACHE_DIR/install.log" >&2 || true
  die "pip could not install $REQ (log above; full log in $CACHE_DIR/install.log). Is PyPI reachable?"
fi
"$VENV/$CHECK" "$@" >/dev/null 2>&1 || die "$CHECK does not run after the install (see $CACHE_DIR/install.log)"
echo "$want" >"$marker"
log "$LABEL ready in $VENV ($((SECONDS - t0))s, $(du -sh "$VENV" | cut -f1))"
echo "$VENV"
