#!/usr/bin/env bash
# Install openlineage-python (1.54.0, pinned with its dependencies in requirements.txt) into a
# git-ignored venv: openlineage/.cache/venv. Prints the venv path on stdout.
# Knobs: OPENLINEAGE_CACHE_DIR (default <this dir>/.cache), PYTHON, PIP_ARGS.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$HERE/../scripts/pinned-venv.sh" "openlineage-python 1.54.0" "$HERE" "${OPENLINEAGE_CACHE_DIR:-$HERE/.cache}" bin/python -c 'import openlineage.client'
