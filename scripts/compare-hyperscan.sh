#!/usr/bin/env bash
# The phrase automaton against Hyperscan (Debian's libhyperscan-dev) on the same input:
# the phrases of every registered list, and each synthetic tool's description and parameter
# descriptions joined (what `classify_stages` calls `one text pass`). One thread each; the
# two print nanoseconds a text and hits a text (the same count when both find the same).
#
#   scripts/compare-hyperscan.sh [WORKDIR]
#
# Needs a C compiler and `apt-get install libhyperscan-dev`; it installs nothing itself.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-target/compare-hyperscan}"
if [ ! -f /usr/include/hs/hs.h ]; then
  echo "Hyperscan's headers are missing: apt-get install libhyperscan-dev" >&2
  exit 2
fi
mkdir -p "$work"
cc -O2 -o "$work/hyperscan-scan" scripts/hyperscan-scan.c -lhs
cargo run --release --quiet --example classify_stages -- --dump "$work"
"$work/hyperscan-scan" "$work" 5
