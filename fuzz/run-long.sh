#!/usr/bin/env bash
# Long fuzzing run: each target until 10 million executions or 25 minutes, one after the other.
# Usage: fuzz/run-long.sh [target...]   (log in fuzz/logs/<target>.log)
set -uo pipefail
cd "$(dirname "$0")"
mkdir -p logs
for t in "${@:-parse verify show json}"; do
  for target in $t; do
    mkdir -p "corpus/$target"
    [ "$target" = devicetlinfo ] || cp -n ../testdata/*.tlv ../testdata/*.sgn "corpus/$target/" 2>/dev/null
    cargo fuzz run --sanitizer none "$target" -- -runs=10000000 -max_total_time=1500 -rss_limit_mb=128 \
      -print_final_stats=1 > "logs/$target.log" 2>&1
    echo "$target exit $?" >> logs/summary.txt
  done
done
