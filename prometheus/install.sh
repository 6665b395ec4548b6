#!/usr/bin/env bash
# Install Prometheus 2.42 and Alertmanager 0.25 from Debian when missing (idempotent: a second
# run only checks `command -v`). The Debian packages register services that do not start in a
# container; the project never uses them: local-server.mjs starts its own instances.
set -euo pipefail
log() { echo "[prometheus/install] $*" >&2; }
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 && command -v prometheus-alertmanager >/dev/null 2>&1; then
  log "present: $(prometheus --version 2>&1 | head -1)"
  exit 0
fi
SUDO=""
[[ "$(id -u)" == "0" ]] || SUDO="sudo"
t0=$SECONDS
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; an old list may name a version no longer served.
$SUDO apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed; trying the install anyway"
$SUDO apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null
log "installed $(prometheus --version 2>&1 | head -1) in $((SECONDS - t0)) s"
