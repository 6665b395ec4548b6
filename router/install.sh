#!/usr/bin/env bash
# Build Hive Router (Rust, MIT, https://github.com/graphql-hive/router) into a git-ignored
# cache, as a dev-only benchmark peer for test/bench/throughput.ts (`--systems hive-router`).
# It is not part of `npm start`, `npm test` or .ci/run: the compile takes 15-45 minutes (42 on a busy machine) on
# two cores.
#
# Why not `cargo install hive-router`:
#   - 0.3.x needs a newer rustc than this machine's 1.95, so the version is pinned to 0.2.0.
#   - 0.2.0's build.rs runs `npm install` for its Laboratory UI page from the crate's own
#     package.json/package-lock.json, which pin @graphql-hive/laboratory 0.2.4; the npm
#     registry does not serve 0.2.4 (it serves 0.1.2, 0.1.9, 0.2.6, 0.3.0), so the build
#     script fails. This script downloads the .crate from crates.io, verifies its checksum
#     against the registry index, moves that one npm dependency to a served version
#     (LABORATORY_VERSION, default 0.3.0, which is known to build here; the build script
#     only inlines dist/hive-laboratory.umd.js and dist/monacoeditorwork/*.js, present in
#     both 0.2.6 and 0.3.0), regenerates the npm lockfile, then builds.
#   - The Rust side is untouched, so the crate's packaged Cargo.lock still applies and the
#     build runs with --locked (the same dependency versions `cargo install --locked` picks).
#
# Layout (all under router/.cache/, git-ignored):
#   src/hive-router-$VERSION/   the unpacked, patched crate
#   target/                     cargo's build directory (kept so a rebuild is incremental)
#   bin/hive_router             the binary; bin/.built holds "$VERSION lab$LABORATORY_VERSION"
# A second run with the same versions is a no-op. Prints the binary's path on stdout;
# progress goes to stderr.
#
# Knobs: HIVE_ROUTER_VERSION (0.2.0), LABORATORY_VERSION (0.3.0),
#        ROUTER_CACHE_DIR (<this dir>/.cache), CARGO (cargo), NPM (npm), NICE (nice -n 19).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSION="${HIVE_ROUTER_VERSION:-0.2.0}"
LAB_VERSION="${LABORATORY_VERSION:-0.3.0}"
CACHE_DIR="${ROUTER_CACHE_DIR:-$HERE/.cache}"
CARGO="${CARGO:-cargo}"
NPM="${NPM:-npm}"
NICE="${NICE:-nice -n 19}"
SRC_DIR="$CACHE_DIR/src/hive-router-$VERSION"
BIN="$CACHE_DIR/bin/hive_router"
MARKER="$CACHE_DIR/bin/.built"
WANT="$VERSION lab$LAB_VERSION"

log() { echo "[router/install] $*" >&2; }
die() { echo "[router/install] ERROR: $*" >&2; exit 1; }

if [[ -x "$BIN" && -f "$MARKER" && "$(cat "$MARKER")" == "$WANT" ]]; then
  echo "$BIN"
  exit 0
fi

command -v "$CARGO" >/dev/null 2>&1 || die "'$CARGO' not found; install Rust (rustup) to build Hive Router $VERSION."
command -v "$NPM" >/dev/null 2>&1 || die "'$NPM' not found; the crate's build script needs npm."
command -v curl >/dev/null 2>&1 || die "curl not found."

mkdir -p "$CACHE_DIR/src" "$CACHE_DIR/bin"
exec 9>"$CACHE_DIR/.install.lock"
flock 9
# Another run may have finished while this one waited for the lock.
if [[ -x "$BIN" && -f "$MARKER" && "$(cat "$MARKER")" == "$WANT" ]]; then
  echo "$BIN"
  exit 0
fi

# ------------------------------------------------------------------ crate source
if [[ ! -f "$SRC_DIR/.patched" || "$(cat "$SRC_DIR/.patched")" != "lab$LAB_VERSION" ]]; then
  crate="$CACHE_DIR/src/hive-router-$VERSION.crate"
  log "downloading hive-router $VERSION from crates.io"
  curl -sSfL -o "$crate.part" "https://static.crates.io/crates/hive-router/hive-router-$VERSION.crate"
  # The sparse index line for this version carries the .crate's sha256 ("cksum").
  want_sum="$(curl -sSfL https://index.crates.io/hi/ve/hive-router |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=s.trim().split("\n").map(JSON.parse).find(l=>l.vers===process.argv[1]);process.stdout.write(v?v.cksum:"")})' "$VERSION")"
  [[ -n "$want_sum" ]] || die "hive-router $VERSION is not in the crates.io index."
  got_sum="$(sha256sum "$crate.part" | cut -d' ' -f1)"
  [[ "$got_sum" == "$want_sum" ]] || die "checksum mismatch for hive-router-$VERSION.crate: got $got_sum, index says $want_sum."
  mv "$crate.part" "$crate"
  rm -rf "$SRC_DIR"
  tar -xzf "$crate" -C "$CACHE_DIR/src"
  rm -f "$crate"

  log "moving @graphql-hive/laboratory to $LAB_VERSION (the crate pins an unserved 0.2.4)"
  (
    cd "$SRC_DIR"
    node -e 'const fs=require("fs");const p=JSON.parse(fs.readFileSync("package.json","utf8"));p.devDependencies["@graphql-hive/laboratory"]=process.argv[1];fs.writeFileSync("package.json",JSON.stringify(p,null,2)+"\n")' "$LAB_VERSION"
    rm -f package-lock.json
    # build.rs copies package.json and package-lock.json into OUT_DIR and runs `npm install`
    # there; a lockfile consistent with package.json keeps that install exact.
    "$NPM" install --package-lock-only --include=dev --ignore-scripts --no-audit --no-fund >&2
  )
  echo "lab$LAB_VERSION" >"$SRC_DIR/.patched"
fi

# ------------------------------------------------------------------------- build
log "building hive-router $VERSION (release, --locked; 15-45 minutes on two cores)"
start=$(date +%s)
(
  cd "$SRC_DIR"
  CARGO_TARGET_DIR="$CACHE_DIR/target" $NICE "$CARGO" build --release --locked --bin hive_router >&2
)
cp "$CACHE_DIR/target/release/hive_router" "$BIN.part"
mv "$BIN.part" "$BIN"
echo "$WANT" >"$MARKER"
log "built in $(( $(date +%s) - start )) s: $BIN"
echo "$BIN"
