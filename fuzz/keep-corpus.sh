#!/usr/bin/env bash
# The corpora a campaign grows, kept in the repository between sessions:
#
#   fuzz/keep-corpus.sh save [TARGET...]      # after a campaign
#   fuzz/keep-corpus.sh restore [TARGET...]   # before the next one
#
# `save` merges target/fuzz-work/TARGET (what libFuzzer grew) into the
# smallest set of inputs with the same coverage (libFuzzer's -merge=1, the
# fuzz build of `cargo +nightly fuzz build -s none`) and stores it as
# fuzz/grown/TARGET.tar.gz; `restore` unpacks it into target/fuzz-work/TARGET,
# where fuzz/campaign.sh continues from it. The checked-in seeds
# (fuzz/corpus/TARGET, replayed by CI) stay as they are: a grown corpus holds
# thousands of inputs, some taking seconds each in a debug build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/fuzz/target/x86_64-unknown-linux-gnu/release"
action=${1:-}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for file in "$root"/fuzz/fuzz_targets/*.rs; do
        targets+=("$(basename "$file" .rs)")
    done
fi
mkdir -p "$root/fuzz/grown"
for target in "${targets[@]}"; do
    work="$root/target/fuzz-work/$target"
    kept="$root/fuzz/grown/$target.tar.gz"
    case "$action" in
    save)
        [ -d "$work" ] || continue
        [ -x "$bin/$target" ] || { echo "no fuzz binary $bin/$target: run cargo +nightly fuzz build -s none" >&2; exit 2; }
        merged="$root/target/fuzz-merge/$target"
        rm -rf "$merged"
        mkdir -p "$merged"
        mkdir -p "$root/target/fuzz-artifacts/$target"
        "$bin/$target" -merge=1 -timeout=120 -rss_limit_mb=4096 -artifact_prefix="$root/target/fuzz-artifacts/$target/" "$merged" "$work" >"$root/target/fuzz-merge/$target.log" 2>&1
        tar -C "$merged" -czf "$kept" .
        echo "$target: $(find "$work" -type f | wc -l) inputs merged into $(find "$merged" -type f | wc -l), $(du -h "$kept" | cut -f1) kept"
        ;;
    restore)
        [ -f "$kept" ] || continue
        mkdir -p "$work"
        tar -C "$work" -xzf "$kept"
        echo "$target: $(find "$work" -type f | wc -l) inputs in $work"
        ;;
    *)
        echo "usage: fuzz/keep-corpus.sh save|restore [TARGET...]" >&2
        exit 2
        ;;
    esac
done
