#!/usr/bin/env bash
# Install openlineage-python (1.54.0, pinned with its dependencies in requirements.txt) into a
# git-ignored venv: openlineage/.cache/venv. Idempotent: a marker holds the hash of the
# requirements and the interpreter (second run ~0.05 s); concurrent runs are serialised with flock.
# Prints the venv path on stdout. Knobs: OPENLINEAGE_CACHE_DIR, PYTHON, PIP_ARGS.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${OPENLINEAGE_CACHE_DIR:-$SCRIPT_DIR/.cache}"
VENV="$CACHE_DIR/venv"
REQ="$SCRIPT_DIR/requirements.txt"
PYTHON="${PYTHON:-python3}"
die() { echo "[openlineage/install] ERROR: $*" >&2; exit 1; }
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: needs Python >= 3.9 with venv"
want="$( (cat "$REQ"; "$PYTHON" --version 2>&1) | sha256sum | cut -c1-16)"
marker="$VENV/.installed"
ready() { [[ -f "$marker" && "$(cat "$marker")" == "$want" && -x "$VENV/bin/python" ]]; }
if ready; then echo "$VENV"; exit 0; fi
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.install.lock"
command -v flock >/dev/null 2>&1 && flock 9
if ready; then echo "$VENV"; exit 0; fi
t0=$SECONDS
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV" || die "could not create a venv with $PYTHON"
# shellcheck disable=SC2086
if ! "$VENV/bin/pip" install --disable-pip-version-check --no-input -q ${PIP_ARGS:-} -r "$REQ" >"$CACHE_DIR/install.log" 2>&1; then
  tail -n 30 "$CACHE_DIR/install.log" >&2 || true
  die "pip could not install $REQ (full log in $CACHE_DIR/install.log). Is PyPI reachable?"
fi
"$VENV/bin/python" -c 'import openlineage.client' || die "openlineage.client does not import after the install"
echo "$want" >"$marker"
echo "[openlineage/install] openlineage-python ready in $VENV ($((SECONDS - t0))s)" >&2
echo "$VENV"
