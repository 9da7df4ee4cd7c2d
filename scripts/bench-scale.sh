#!/usr/bin/env bash
# Build synthetic catalogues of growing size and measure the build against the floor the
# filesystem sets (`cp -r` of the same output tree on the same disk), an incremental
# rebuild after one server changes, and Hugo rendering the same tools as Markdown pages.
#
#   scripts/bench-scale.sh [WORKDIR] [SIZES...]      sizes in tools, default 10000 100000 515000
#
# Servers are sized like the published catalogues (about 16 tools each on average). For
# each size it prints: wall, user and system time and peak resident memory of a full
# `toolcat build`; the output's files and bytes; the `cp -r` time of that output and the
# ratio build/cp; that ratio again with each followed by `sync` (until the bytes are on
# the disk, which the page cache hides while they fit in memory); the median wall time and
# peak memory of three incremental rebuilds, each after a change to one tool of one server;
# and Hugo's wall time, peak memory and page count for the same tools, with the ratio
# Hugo/toolcat. HUGO=0 skips Hugo.
#
# Nothing is deleted while measuring: on this machine's ext4, creating files right after
# deleting many is much slower (profiles show the inode allocator checking recently freed
# inodes one by one, `recently_deleted`), for toolcat, cp and Hugo alike. Trees of an earlier run are deleted
# first, followed by a pause (SETTLE seconds, default 310) until they no longer count as
# recent; this run's trees are deleted at the end (KEEP=1 keeps them). About 70 GB of
# free disk are needed for the default sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-target/bench-scale}"
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000 515000)
hugo_on="${HUGO:-1}"
if [ "$hugo_on" = 1 ] && ! command -v hugo >/dev/null; then
  echo "hugo is not installed (apt-get install hugo), or run with HUGO=0" >&2
  exit 2
fi
cargo build --release --quiet --bin toolcat --example synth
if [ -d "$work" ] && [ -n "$(ls -A "$work")" ]; then
  rm -rf "$work"
  sync
  echo "removed an earlier run; waiting ${SETTLE:-310} s for its inodes to settle" >&2
  sleep "${SETTLE:-310}"
fi
mkdir -p "$work"
bin=target/release/toolcat

# Seconds of wall time, and peak resident MiB, from a `/usr/bin/time -v` report.
wall_of() {
  awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1" |
    awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'
}
rss_of() { awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$1"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "toolcat: $($bin --version)"
[ "$hugo_on" = 1 ] && echo "hugo: $(hugo version | cut -d' ' -f1-2)"
printf '%-7s %7s %7s %7s %6s %8s %12s %7s %5s %6s | %6s %6s | %7s %6s %7s %6s\n' \
  tools wall_s user_s sys_s MiB files bytes cp_s ratio synced incr_s MiB hugo_s MiB pages x_hugo
for n in "${sizes[@]}"; do
  servers=$(( n / 16 )); [ "$servers" -lt 1 ] && servers=1
  cat="$work/catalog-$n"; out="$work/site-$n"; copy="$work/copy-$n"
  hugo_src="$work/hugo-$n"; hugo_out="$work/hugo-site-$n"
  hugo_arg=()
  [ "$hugo_on" = 1 ] && hugo_arg=(--hugo "$hugo_src")
  target/release/examples/synth --servers "$servers" --tools "$n" --seed 1 --out "$cat" \
    "${hugo_arg[@]}" 2>/dev/null
  sync
  /usr/bin/time -v -o "$work/time-$n.txt" "$bin" build --catalog "$cat" --out "$out" \
    >/dev/null 2>"$work/build-$n.log"
  # The build's bytes reach the disk after it exits: how long that takes, for the ratio
  # of build and copy each followed by `sync`.
  start=$(date +%s.%N); sync; end=$(date +%s.%N)
  flush_s=$(echo "$end - $start" | bc)
  wall=$(wall_of "$work/time-$n.txt")
  user=$(awk -F': ' '/User time/ {print $2}' "$work/time-$n.txt")
  sys=$(awk -F': ' '/System time/ {print $2}' "$work/time-$n.txt")
  rss=$(rss_of "$work/time-$n.txt")
  files=$(find "$out" -type f | wc -l)
  # The files' bytes: `du -sb` would add the directories', which vary from run to run
  # with the order files were made in.
  bytes=$(find "$out" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }')
  sync
  start=$(date +%s.%N); cp -r "$out" "$copy"; copied=$(date +%s.%N); sync; end=$(date +%s.%N)
  cp_s=$(echo "$copied - $start" | bc)
  ratio=$(echo "scale=2; $wall / $cp_s" | bc)
  synced=$(echo "scale=2; ($wall + $flush_s) / ($end - $start)" | bc)
  sync

  # Incremental: change one tool's description in a server file, three times.
  victim=$(find "$cat" -name '*.json' | sort | sed -n "$(( servers / 2 + 1 ))p")
  incr=()
  for i in 1 2 3; do
    sed -i "0,/\"description\": \"/s//\"description\": \"Changed $i. /" "$victim"
    sync   # the copy or the run before are written back first, not during the timing
    TOOLCAT_TIMINGS=1 /usr/bin/time -v -o "$work/incr-$n.txt" "$bin" build --catalog "$cat" \
      --out "$out" >/dev/null 2>"$work/incr-$n.log"
    grep -q '^updated' "$work/incr-$n.log" || { echo "not incremental: $(cat "$work/incr-$n.log")" >&2; exit 1; }
    incr+=("$(wall_of "$work/incr-$n.txt") $(rss_of "$work/incr-$n.txt")")
  done
  mid=$(printf '%s\n' "${incr[@]}" | sort -n | sed -n 2p)
  incr_s=${mid% *}; incr_rss=${mid#* }

  hugo_s=-; hugo_rss=-; pages=-; x_hugo=-
  if [ "$hugo_on" = 1 ]; then
    if /usr/bin/time -v -o "$work/hugo-$n.txt" hugo --quiet -s "$hugo_src" -d "$(realpath -m "$hugo_out")" \
      >/dev/null 2>"$work/hugo-$n.log"; then
      hugo_s=$(wall_of "$work/hugo-$n.txt")
      hugo_rss=$(rss_of "$work/hugo-$n.txt")
      pages=$(find "$hugo_out" -name '*.html' | wc -l)
      x_hugo=$(echo "scale=2; $hugo_s / $wall" | bc)
    else
      # Killed (out of memory) or failed: report how far it got.
      hugo_s="$(wall_of "$work/hugo-$n.txt" 2>/dev/null || echo '?')!"
      hugo_rss=$(rss_of "$work/hugo-$n.txt" 2>/dev/null || echo '?')
      pages=failed
    fi
  fi
  printf '%-7s %7s %7s %7s %6s %8s %12s %7.2f %5s %6s | %6s %6s | %7s %6s %7s %6s\n' \
    "$n" "$wall" "$user" "$sys" "$rss" "$files" "$bytes" "$cp_s" "$ratio" "$synced" \
    "$incr_s" "$incr_rss" "$hugo_s" "$hugo_rss" "$pages" "$x_hugo"
done
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
