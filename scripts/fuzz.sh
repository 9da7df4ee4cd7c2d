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
  targets=(ingest schema markdown slug classify classify_text policy_check diff)
fi

# Seeds: real definitions, hostile fixtures, generated policies.
for t in "${targets[@]}"; do mkdir -p "corpus/$t"; done
seed() { [ -d "corpus/$1" ] && cp -n "${@:2}" "corpus/$1/" 2>/dev/null || true; }
seed ingest ../catalog/*.json ../tests/data/inputs/* ../tests/data/hostile/*.json
seed classify ../catalog/*.json ../tests/data/hostile/*.json
seed diff ../tests/data/inputs/time-result.json
# Seeds from each bundled tool: its schema, its description, and (for classify_text) its
# name, description, first parameter and that parameter's description joined by NULs.
python3 - <<'PY'
import json, glob, hashlib, os
def put(target, text):
    if os.path.isdir('corpus/' + target):
        name = hashlib.sha1(text.encode()).hexdigest()
        open(os.path.join('corpus', target, name), 'w').write(text)
for f in glob.glob('../catalog/*.json'):
    for t in json.load(open(f))['tools']:
        put('schema', json.dumps(t.get('inputSchema')))
        d = t.get('description') or ''
        put('markdown', d)
        props = (t.get('inputSchema') or {}).get('properties') or {}
        key, param = next(iter(props.items()), ('', {}))
        param = param.get('description', '') if isinstance(param, dict) else ''
        put('classify_text', '\0'.join([t['name'], d, key, param, '']))
PY
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
