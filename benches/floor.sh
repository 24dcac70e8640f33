#!/bin/bash
# The figures of docs/performance.md "At the floor", in one run on a quiet machine: whole-process
# show/verify against a Rust hello world (benches/alternate.rs: one run of each in turn), criterion parse/show/devices,
# parse+verify against openssl, serve ingest, a 1,000-file verify.
#
#   cargo build --release -p itlctl
#   cargo bench -p itl-benches --features aws-lc --no-run
#   cargo bench -p itl-serve --bench ingest --no-run
#   bash benches/floor.sh
#
# ITLCTL=target/dist/itlctl bash benches/floor.sh measures another build of the binary.
set -u
cd "$(dirname "$0")/.."
printf 'fn main() { println!("hello"); }\n' > /tmp/hello.rs && rustc -O -C strip=symbols /tmp/hello.rs -o /tmp/hello
echo "== $(date -u) load: $(cut -d' ' -f1-3 /proc/loadavg)"
ITL=$(ls -t target/release/deps/itl-* | grep -v '\.d$' | head -1)
INGEST=$(ls -t target/release/deps/ingest-* | grep -v '\.d$' | head -1)
echo "bench binaries: $ITL $INGEST"
echo "== whole process: one run of each command in turn, 400 rounds, 3 passes (medians in ms)"
BIN=${ITLCTL:-target/release/itlctl}
rustc --edition 2021 -O benches/alternate.rs -o /tmp/alternate
for r in 1 2 3; do
  /tmp/alternate 400 /tmp/hello "$BIN --version" "$BIN show testdata/itl-11x-cm-sha1.tlv" \
    "$BIN verify testdata/itl-11x-cm-sha1.tlv"
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "== criterion parse / verify / show / devicetlinfo"
$ITL --bench --warm-up-time 2 --measurement-time 5 --noplot --discard-baseline '^parse/|^show|^devicetlinfo/read' 2>/dev/null | grep -E "^[a-z]|time:|thrpt:"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== parse+verify vs openssl"
sh benches/vs-openssl.sh "$ITL" 3
echo "== serve ingest"
$INGEST --bench --warm-up-time 2 --measurement-time 5 --noplot --discard-baseline 2>/dev/null | grep -E "^[a-z]|time:|thrpt:"
echo "== multi-file verify (1,000 ITLSEP files)"
d=/tmp/m27-many; rm -rf $d; mkdir -p $d
for i in $(seq 1 1000); do cp testdata/itl-11x-cm-sha1.tlv $d/ITLSEP$(printf '%012X' $i).tlv; done
hyperfine -N -w 2 -r 10 "$BIN verify $d" 2>&1 | grep -E "Time|Range"
echo "== $(date -u) load: $(cut -d' ' -f1-3 /proc/loadavg)"
