#!/bin/sh
# parse+verify of the two SHA-1 ITLs (criterion, aws-lc backend) against `openssl speed`
# verify + SHA-1 of the same signed bytes, in one run, alternating, wall time on both sides
# (openssl -elapsed) and the load average printed with each round.
#
#   cargo bench -p itl-benches --features aws-lc --no-run
#   sh benches/vs-openssl.sh target/release/deps/itl-<hash> [rounds]
set -eu
bench=$1
rounds=${2:-3}
# Signed bytes: the file without its SIGNATURE TLV (3 + 256 and 3 + 128 bytes).
big=$((7641 - 259))
small=$((5312 - 131))
per_op() { # "openssl speed" table line -> microseconds per verify
    awk '/^rsa/ && /bits/ { printf "%.2f", 1e6 / $7 }'
}
sha1_us() { # bytes -> microseconds for one SHA-1 of that many bytes
    openssl speed -elapsed -seconds 2 -bytes "$1" sha1 2>/dev/null |
        awk -v n="$1" '/^sha1 / { v = $2; sub(/k$/, "", v); printf "%.2f", n / (v * 1000) * 1e6 }'
}
i=0
while [ "$i" -lt "$rounds" ]; do
    i=$((i + 1))
    echo "round $i, load: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$bench" --bench --warm-up-time 1 --measurement-time 4 --noplot --discard-baseline \
        '^verify/parse\+verify' 2>/dev/null | grep -E '^verify|time:'
    v2=$(openssl speed -elapsed -seconds 3 rsa2048 2>/dev/null | per_op)
    v1=$(openssl speed -elapsed -seconds 3 rsa1024 2>/dev/null | per_op)
    s2=$(sha1_us "$big")
    s1=$(sha1_us "$small")
    echo "openssl rsa2048 verify $v2 us + sha1 of $big bytes $s2 us = $(echo "$v2 + $s2" | bc -l) us"
    echo "openssl rsa1024 verify $v1 us + sha1 of $small bytes $s1 us = $(echo "$v1 + $s1" | bc -l) us"
done
