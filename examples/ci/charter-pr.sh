#!/usr/bin/env bash
# What CI runs on a pull request that touches policies/: check every policy,
# then, for each policy folder that exists at the base revision, say what
# the pull request changes (`charter diff --base`) as a Markdown comment and
# as SARIF for code scanning, and fail when the change gives the recorded
# history a violation it did not have.
#
# Usage, at the top of the repository: examples/ci/charter-pr.sh BASE [OUT]
#   BASE  the revision the pull request merges into (origin/main)
#   OUT   where to write diff.md and sarif/*.sarif (default: charter-out)
# Exit status: 0 nothing to stop the merge; 1 errors or new violations.
set -euo pipefail
base="$1"
out="${2:-charter-out}"
mkdir -p "$out/sarif"
: > "$out/diff.md"
status=0
charter check policies || status=1
for policy in policies/*/; do
  policy="${policy%/}"
  name="$(basename "$policy")"
  if ! git cat-file -e "$base:$policy" 2>/dev/null; then
    printf '### `%s` is a new policy\n\n' "$policy" >> "$out/diff.md"
    continue
  fi
  charter diff "$policy" --base "$base" --format markdown >> "$out/diff.md" || status=1
  printf '\n' >> "$out/diff.md"
  charter diff "$policy" --base "$base" --format sarif > "$out/sarif/$name.sarif" || true
  charter diff "$policy" --base "$base" --fail-on violations > /dev/null || status=1
done
exit "$status"
