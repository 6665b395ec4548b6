#!/usr/bin/env bash
# Install the MLflow tracking server (3.17.2, pinned in requirements.txt) into a git-ignored
# venv: mlflow/.cache/venv (scripts/pinned-venv.sh). Prints the venv path on stdout.
# Knobs: MLFLOW_CACHE_DIR (default <this dir>/.cache), PYTHON, PIP_ARGS.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$HERE/../scripts/pinned-venv.sh" "MLflow 3.17.2 (server-only set)" "$HERE" "${MLFLOW_CACHE_DIR:-$HERE/.cache}" bin/mlflow --version
