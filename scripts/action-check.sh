#!/usr/bin/env bash
# The logic of the composite action (action.yml): run `toolcat check` once, write every
# report from that one run, add the Markdown report to the job summary, print GitHub
# annotations, and exit with check's own status.
#
# Inputs come through the environment, never pasted into the script:
#   TOOLCAT_ARGS      what to check (paths, --mcp-config FILE, --url URL, --stdio -- CMD...),
#                     split on whitespace; no quoting, globbing or substitution is done
#   TOOLCAT_CATALOG   the reviewed catalogue (default: catalog)
#   TOOLCAT_FAIL_ON   low, medium, high, critical, any or none (default: high)
#   TOOLCAT_REPORTS   where the reports go (default: the current directory)
#   TOOLCAT           the toolcat binary (default: toolcat on PATH)
# Outputs (to $GITHUB_OUTPUT when set): sarif=<file>, status=<exit status>.
#
# GitHub runs steps with `bash -eo pipefail`; this script keeps check's status instead of
# stopping at it, so the summary and annotations are written exactly when the gate fails.
set -uo pipefail

toolcat="${TOOLCAT:-toolcat}"
catalog="${TOOLCAT_CATALOG:-catalog}"
fail_on="${TOOLCAT_FAIL_ON:-high}"
reports="${TOOLCAT_REPORTS:-.}"
read -r -a args <<< "${TOOLCAT_ARGS:-}"

mkdir -p "$reports"
sarif="$reports/toolcat.sarif"
markdown="$reports/toolcat.md"
rm -f "$sarif" "$markdown"

status=0
"$toolcat" check --catalog "$catalog" --fail-on "$fail_on" \
  --format github \
  --report "sarif=$sarif" --report "markdown=$markdown" \
  "${args[@]}" || status=$?

if [ -f "$markdown" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  if [ -f "$sarif" ]; then
    echo "sarif=$sarif" >> "$GITHUB_OUTPUT"
  fi
  echo "status=$status" >> "$GITHUB_OUTPUT"
fi
exit "$status"
