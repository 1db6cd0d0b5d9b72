#!/usr/bin/env bash
# Preview server benchmark: edit-to-reload latency, memory and throughput of
# `passerelle serve`.
#
#   bench/serve.sh [N...]        (default: 1000 10000)
#
# For each N, generates a fresh site of N case studies (python3 bench/gen_corpus.py N DIR)
# in a scratch folder, starts `passerelle serve --port 0` on it, connects a Server-Sent
# Events client as an open page would, and measures file write -> `build` event -> the
# page fetched again with the edit in it (what the author waits for):
#   - median of 20 body edits of one case study (target: < 25 ms at 1,000, < 100 ms at 10,000),
#   - median of 20 front matter edits (summary: lists, feed and exports change),
#   - median of 20 title edits, each a second after the previous one's reload (as an
#     author saves: each lands while the previous one's exports and index are made),
#   - median of 20 template edits (case_study.html: every case study page re-renders;
#     BENCH_TEMPLATE_EDITS changes the count),
# then prints the server's memory (RSS) and its throughput under 50 concurrent clients
# (wrk for 10 s when installed, else a bounded Python client). Figures go to stdout,
# progress to stderr. Environment: PASSERELLE_BIN (default: target/release/passerelle,
# built if missing), BENCH_TMP (scratch folder, default: a fresh mktemp -d, removed on exit).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
log() { printf '%s\n' "$*" >&2; }

if (($# == 0)); then
  set -- 1000 10000
fi
for n in "$@"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { log "serve: N must be a positive integer, got '$n'"; exit 2; }
done

if [[ -z ${BENCH_TMP:-} ]]; then
  BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-serve-bench.XXXXXX")
  trap 'rm -rf "$BENCH_TMP"' EXIT
fi
mkdir -p "$BENCH_TMP"

BIN=${PASSERELLE_BIN:-$REPO_DIR/target/release/passerelle}
if [[ -z ${PASSERELLE_BIN:-} ]]; then
  log "serve: cargo build --release"
  (cd "$REPO_DIR" && cargo build --release --quiet) >&2
fi
if ! "$BIN" serve --help >/dev/null 2>&1; then
  log "serve: $BIN has no serve command"
  exit 1
fi

for n in "$@"; do
  site=$BENCH_TMP/serve-$n
  rm -rf "$site"
  mkdir -p "$site"
  log "serve: generating $n case studies into $site"
  python3 "$REPO_DIR/bench/gen_corpus.py" "$n" "$site" >&2
  [[ -f $site/config.yaml ]] || cp "$REPO_DIR/config.yaml" "$site/config.yaml"
  python3 "$BENCH_DIR/serve/latency.py" --bin "$BIN" --root "$site" \
    --edits "${BENCH_EDITS:-20}" --template-edits "${BENCH_TEMPLATE_EDITS:-20}" \
    --label "serve N=$n"
done
