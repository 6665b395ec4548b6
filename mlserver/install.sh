#!/usr/bin/env bash
# Install MLServer 1.7.1 (pinned in requirements.txt) into its own git-ignored venv:
# mlserver/.cache/venv, apart from MLflow's (it pins an older fastapi). Prints the venv path.
# Knobs: MLSERVER_CACHE_DIR (default <this dir>/.cache), PYTHON, PIP_ARGS.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$HERE/../scripts/pinned-venv.sh" "MLServer 1.7.1" "$HERE" "${MLSERVER_CACHE_DIR:-$HERE/.cache}" bin/mlserver --help
