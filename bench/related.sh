#!/usr/bin/env bash
# Related practices benchmark: the time the build spends choosing every case study's
# related practices (model::related), on the generated corpus.
#
#   bench/related.sh N [N...]        (default: 1000 10000; BENCH_LARGE=1 adds 100000)
#
# Runs `passerelle check` (the whole pipeline but writing) with PASSERELLE_TIMINGS=1, which
# makes the build print the stage's time on stderr, and keeps the best of BENCH_RUNS runs.
# The stage runs once on one thread (RAYON_NUM_THREADS=1: its wall time is then its CPU
# time) and once on all of them.
#
# Targets: well under a second of CPU at 10,000 case studies, a few seconds at 100,000.
# Uses PASSERELLE_BIN (default target/release/passerelle, built if missing); see lib.sh.
# Figures go to stdout, progress to stderr.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if (($# == 0)); then
  set -- 1000 10000
  [[ ${BENCH_LARGE:-0} == 1 ]] && set -- "$@" 100000
fi
for n in "$@"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { log "related: N must be a positive integer, got '$n'"; exit 2; }
done

init_tmp
if [[ -z ${PASSERELLE_BIN:-} ]]; then
  PASSERELLE_BIN=$REPO_DIR/target/release/passerelle
  log "related: cargo build --release"
  (cd "$REPO_DIR" && cargo build --release --quiet) >&2
fi
bin=$(frozen_copy passerelle "$PASSERELLE_BIN")
[[ -n $bin ]] || { log "related: no binary at $PASSERELLE_BIN"; exit 1; }

# stage_ms DIR THREADS: best time of the stage over $RUNS runs, in ms.
stage_ms() {
  local dir=$1 threads=$2 best="" ms i
  for ((i = 0; i < RUNS; i++)); do
    ms=$(PASSERELLE_TIMINGS=1 RAYON_NUM_THREADS=$threads "$bin" check --root "$dir" 2>&1 >/dev/null |
      sed -n 's/^timings: related practices: \([0-9.]*\) ms.*/\1/p' | tail -n 1)
    [[ -n $ms ]] || { log "related: no timing printed for $dir"; return 1; }
    if [[ -z $best ]] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$ms
    fi
  done
  printf '%s\n' "$best"
}

cores=$(nproc)
printf '%-8s %14s %16s\n' "N" "cpu_1_thread" "wall_${cores}_threads"
for n in "$@"; do
  dir=$(ensure_corpus "$n")
  wait_idle >&2 || true
  one=$(stage_ms "$dir" 1)
  all=$(stage_ms "$dir" "$cores")
  printf '%-8s %11s ms %13s ms\n' "$n" "$one" "$all"
done
