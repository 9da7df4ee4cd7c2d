#!/usr/bin/env bash
# Run every fuzz target for SECONDS each (default 600), two at a time, from seed corpora
# made of the bundled catalogue and the test fixtures. Needs the nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`). Not part of CI. Crashes land in
# fuzz/artifacts/<target>/; each one found becomes a regression test.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
each="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(ingest schema markdown slug classify policy_check diff)
fi

# Seeds: real definitions, hostile fixtures, generated policies.
for t in "${targets[@]}"; do mkdir -p "corpus/$t"; done
seed() { [ -d "corpus/$1" ] && cp -n "${@:2}" "corpus/$1/" 2>/dev/null || true; }
seed ingest ../catalog/*.json ../tests/data/inputs/* ../tests/data/hostile/*.json
seed classify ../catalog/*.json ../tests/data/hostile/*.json
seed diff ../tests/data/inputs/time-result.json
if [ -d corpus/schema ]; then
  python3 - <<'PY'
import json, glob, hashlib, os
for f in glob.glob('../catalog/*.json'):
    for t in json.load(open(f))['tools']:
        s = json.dumps(t.get('inputSchema'))
        open(os.path.join('corpus/schema', hashlib.sha1(s.encode()).hexdigest()), 'w').write(s)
        d = t.get('description') or ''
        if os.path.isdir('corpus/markdown'):
            open(os.path.join('corpus/markdown', hashlib.sha1(d.encode()).hexdigest()), 'w').write(d)
PY
fi
if [ -d corpus/policy_check ]; then
  ../target/debug/toolcat policy --all --catalog ../catalog --out corpus/policy_check >/dev/null 2>&1 || true
fi

cargo +nightly fuzz build
mkdir -p logs
run() {
  cargo +nightly fuzz run "$1" "corpus/$1" -- -max_total_time="$each" -max_len=262144 \
    -rss_limit_mb=2048 -timeout=10 >"logs/$1.log" 2>&1 && echo "$1: ok" || echo "$1: FAILED (see fuzz/logs/$1.log)"
  grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "logs/$1.log" | tail -1 || true
}
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[$i]}" &
  if [ $((i + 1)) -lt ${#targets[@]} ]; then run "${targets[$((i + 1))]}" & fi
  wait
done
