#!/usr/bin/env bash
# Images benchmark: a site of N case studies, each showing one photo of 4,000 px
# (4,000 × 3,000 JPEG), built cold (empty image cache) then warm (same sources).
#
#   bench/images.sh [N]            (default 200)
#
# The photos are made once into bench/.cache/photos-WIDTH/ by bench/photos/, a small crate
# of its own that depends only on `image` (noisy gradients, which compress like photos),
# built into target/bench-photos/, and reused. Uses PASSERELLE_BIN (default target/release/passerelle, built
# when missing). BENCH_PHOTO_WIDTH changes the width (default 4000).
#
# Prints, for each build: wall time, peak memory, CPU time and the images line of
# PASSERELLE_TIMINGS=1 ("images: N encoded, M from cache"). The warm build must encode
# nothing: the script fails if it does.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

n=${1:-200}
width=${BENCH_PHOTO_WIDTH:-4000}
init_tmp

photos=$CACHE_DIR/photos-$width
log "images: making $n photos of $width px in $photos (kept for later runs)"
# Not an example of the main package: that built all its dev-dependencies in release first.
cargo run --quiet --release --manifest-path "$BENCH_DIR/photos/Cargo.toml" \
  --target-dir "$REPO_DIR/target/bench-photos" -- "$n" "$photos" "$width"

source_bin=${PASSERELLE_BIN:-$REPO_DIR/target/release/passerelle}
if [[ ! -x $source_bin ]]; then
  log "images: building $source_bin"
  (cd "$REPO_DIR" && cargo build --quiet --release)
fi
bin=$(frozen_copy passerelle "$source_bin")

site=$BENCH_TMP/images-site
rm -rf "$site"
mkdir -p "$site/content/etudes-de-cas"
cp "$REPO_DIR/config.yaml" "$site/config.yaml"
for ((i = 1; i <= n; i++)); do
  name=$(printf 'photo-%03d.jpg' "$i")
  ln "$photos/$name" "$site/content/etudes-de-cas/$name" 2>/dev/null ||
    cp "$photos/$name" "$site/content/etudes-de-cas/$name"
  cat >"$site/content/etudes-de-cas/cas-$i.md" <<CASE
---
title: Étude de cas $i
date: 2024-01-01
summary: Une étude de cas avec une photo.
municipality: Sherbrooke
region: Estrie
themes: [accueil et établissement]
---
Le texte de l'étude de cas.

![Une photo de l'initiative $i]($name)
CASE
done

printf '%-6s %6s %10s %10s %9s  %s\n' build photos wall_ms peak_mb cpu_s images
for pass in cold warm; do
  if [[ $pass == cold ]]; then
    rm -rf "$site/.passerelle-cache" "$site/public"
  fi
  logf=$BENCH_TMP/images-$pass.log
  if ! result=$(PASSERELLE_TIMINGS=1 time_cmd "$logf" -- "$bin" build --root "$site"); then
    cat "$logf" >&2
    exit 1
  fi
  read -r wall peak cpu <<<"$result"
  line=$(grep '^images: ' "$logf" || echo "images: (no count printed)")
  printf '%-6s %6d %10d %10d %9s  %s\n' "$pass" "$n" "$wall" $((peak / 1024)) "$cpu" "$line"
  if [[ $pass == warm && $line != "images: 0 encoded"* ]]; then
    log "images: the warm build encoded images: $line"
    exit 1
  fi
done
read -r files bytes <<<"$(tree_size "$site/.passerelle-cache/images")"
log "images: cache holds $files files, $((bytes / 1024 / 1024)) MB"
