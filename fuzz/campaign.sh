#!/usr/bin/env bash
# Run fuzz targets one after another, each to a budget of CPU minutes (not
# wall minutes: on a shared machine a run at `nice` gets what is left), and
# print one summary row per target in fuzz/README.md's table.
#
#   cargo +nightly fuzz build -s none
#   fuzz/campaign.sh parser:20 diff:30 ...       # TARGET:CPU-MINUTES, in order
#
# Each run reads the checked-in corpus (fuzz/corpus/TARGET) and grows
# target/fuzz-work/TARGET; artifacts go to target/fuzz-artifacts/TARGET/. A
# run that stops on a finding (a crash, a timeout, an out-of-memory) is
# counted and restarted until the target's budget is spent, so one finding
# does not end the campaign. CPU time is user + system of the fuzzer's
# process, read from /proc every 5 seconds; the run is stopped with SIGINT
# so libFuzzer prints its final statistics. Every run appends a line to
# target/fuzz-logs/runs.tsv (target, start, wall seconds, CPU seconds,
# executions, exit status), so a campaign cut short still has its numbers;
# `touch target/fuzz-logs/STOP` ends the current run and the campaign.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/fuzz/target/x86_64-unknown-linux-gnu/release"
tick=$(getconf CLK_TCK)

cpu_ticks() { # user + system ticks of a live process, or nothing
    awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null
}

for spec in "$@"; do
    target=${spec%%:*}
    budget=$((${spec#*:} * 60 * tick))
    [ -x "$bin/$target" ] || { echo "no fuzz binary $bin/$target: run cargo +nightly fuzz build -s none" >&2; exit 2; }
    mkdir -p "$root/target/fuzz-work/$target" "$root/target/fuzz-artifacts/$target" "$root/target/fuzz-logs"
    used=0 execs=0 runs=0 findings=0 began=$(date +%s)
    while [ "$used" -lt "$budget" ]; do
        runs=$((runs + 1))
        log="$root/target/fuzz-logs/$target-$(date +%Y%m%d-%H%M%S).log"
        "$bin/$target" -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
            -artifact_prefix="$root/target/fuzz-artifacts/$target/" \
            "$root/target/fuzz-work/$target" "$root/fuzz/corpus/$target" >"$log" 2>&1 &
        pid=$!
        last=0 stopped=no started=$(date +%s)
        while kill -0 "$pid" 2>/dev/null; do
            now=$(cpu_ticks "$pid")
            [ -n "$now" ] && last=$now
            if { [ $((used + last)) -ge "$budget" ] || [ -e "$root/target/fuzz-logs/STOP" ]; } && [ "$stopped" = no ]; then
                kill -INT "$pid" 2>/dev/null
                stopped=yes
            fi
            sleep 5
        done
        wait "$pid"
        status=$?
        used=$((used + last))
        ran=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
        [ -n "$ran" ] || ran=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
        execs=$((execs + ${ran:-0}))
        printf '%s\t%s\t%d\t%d\t%d\t%d\n' "$target" "$(date -d "@$started" +%FT%T)" $(($(date +%s) - started)) \
            $((last / tick)) "${ran:-0}" "$status" >>"$root/target/fuzz-logs/runs.tsv"
        if [ "$stopped" = no ] && [ "$status" -ne 0 ]; then
            findings=$((findings + 1))
            echo "$target: run $runs stopped with status $status, see $log:" >&2
            grep -E '^(==[0-9]+== ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | head -5 >&2
        fi
        [ -e "$root/target/fuzz-logs/STOP" ] && break
    done
    wall=$(($(date +%s) - began))
    printf '| %s | %d min | %d min | %d | %d | %d |\n' "$target" $((wall / 60)) \
        $((used / tick / 60)) "$execs" "$runs" "$findings"
    [ -e "$root/target/fuzz-logs/STOP" ] && exit 0
done
