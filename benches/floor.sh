#!/bin/bash
# The figures of docs/performance.md "At the floor", in one run on a quiet machine: whole-process
# show/verify against a Rust hello world (alternating rounds), criterion parse/show/devices,
# parse+verify against openssl, serve ingest, a 1,000-file verify.
#
#   cargo build --release -p itlctl
#   cargo bench -p itl-benches --features aws-lc --no-run
#   cargo bench -p itl-serve --bench ingest --no-run
#   bash benches/floor.sh
set -u
cd "$(dirname "$0")/.."
printf 'fn main() { println!("hello"); }\n' > /tmp/hello.rs && rustc -O -C strip=symbols /tmp/hello.rs -o /tmp/hello
echo "== $(date -u) load: $(cut -d' ' -f1-3 /proc/loadavg)"
ITL=$(ls -t target/release/deps/itl-* | grep -v '\.d$' | head -1)
INGEST=$(ls -t target/release/deps/ingest-* | grep -v '\.d$' | head -1)
echo "bench binaries: $ITL $INGEST"
echo "== whole process, alternating rounds (hyperfine -N, 200 runs each, medians in ms)"
for r in 1 2 3; do
  hyperfine -N -w 20 -r 200 --export-json /tmp/m27-hf$r.json '/tmp/hello' \
    'target/release/itlctl show testdata/itl-11x-cm-sha1.tlv' \
    'target/release/itlctl verify testdata/itl-11x-cm-sha1.tlv' >/dev/null 2>&1
  python3 - "$r" <<'PY'
import json,statistics,sys
r=sys.argv[1]
d=json.load(open(f'/tmp/m27-hf{r}.json'))
med={}
for b in d['results']:
    t=sorted(b['times']); med[b['command']]=statistics.median(t)*1000
    print(r, b['command'][:60].ljust(60), 'median %.3f  min %.3f  mean %.3f' % (statistics.median(t)*1000, t[0]*1000, statistics.mean(t)*1000))
h=med['/tmp/hello']
for k,v in med.items():
    if k!='/tmp/hello': print(r, 'ratio', k.split()[1], '%.2f' % (v/h))
PY
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
hyperfine -N -w 2 -r 10 "target/release/itlctl verify $d" 2>&1 | grep -E "Time|Range"
echo "== $(date -u) load: $(cut -d' ' -f1-3 /proc/loadavg)"
