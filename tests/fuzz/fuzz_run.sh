#!/bin/sh
# fuzz_run.sh — runs one libFuzzer target for a time and prints one line:
#   fuzz: NAME: N executions, M findings (K corpus inputs)
# Usage: fuzz_run.sh NAME BINARY CORPUS CRASHDIR SECONDS [libFuzzer options...]
# Findings are the crash/leak/timeout/oom files the run left in CRASHDIR
# under the prefix NAME-; the target's own output goes to CRASHDIR/NAME.log.
# Exits 0 even on findings (make fuzz runs every target); the summary says.
name=$1 bin=$2 corpus=$3 crashes=$4 seconds=$5
shift 5
mkdir -p "$corpus" "$crashes"
before=$(ls "$crashes" | grep -c "^$name-")
nice -n 19 "$bin" -max_total_time="$seconds" -artifact_prefix="$crashes/$name-" "$@" "$corpus" \
    >"$crashes/$name.log" 2>&1
rc=$?
after=$(ls "$crashes" | grep -c "^$name-")
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$crashes/$name.log" | tail -1)
if [ -z "$runs" ]; then   # stopped by a finding: the last status line's count
    runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$crashes/$name.log" | tail -1)
fi
echo "fuzz: $name: ${runs:-0} executions, $((after - before)) findings ($(ls "$corpus" | wc -l) corpus inputs, exit $rc)"
[ "$after" -gt "$before" ] && echo "fuzz: $name: see $crashes/$name.log and $crashes/$name-*"
exit 0
