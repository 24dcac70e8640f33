#!/usr/bin/env bash
# Browser test of `itlctl serve` (run by .ci/run): headless Chromium renders the page a file
# upload through `/` produced and the fleet page after syslog reports; the DOM is checked
# and screenshots are saved under $ARTIFACTS (default target/serve-artifacts).
set -euo pipefail
cd "$(dirname "$0")/../.."
ITLCTL=${ITLCTL:-target/debug/itlctl}
ART=${ARTIFACTS:-target/serve-artifacts}
mkdir -p "$ART"
work=$(mktemp -d)
pid=; pid2=; phone=
trap 'kill $pid $pid2 $phone 2>/dev/null || true; rm -rf "$work"' EXIT
chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" "$@" 2>/dev/null
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_for URL TRIES: until URL answers with a success status, at most TRIES times 0.1 s; it
# gives up quietly (the checks that follow say what is missing).
wait_for() { for _ in $(seq "$2"); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; return 0; }
http=$(free_port)
udp=$(free_port)
"$ITLCTL" serve --listen "127.0.0.1:$http" --db "$work/fleet.db" --itl cucm-pub=testdata/itl-11x-cm-sha1.tlv \
  --syslog "udp://127.0.0.1:$udp" >"$work/log" 2>&1 &
pid=$!
wait_for "http://127.0.0.1:$http/api/health" 50
base="http://127.0.0.1:$http"

# 1. Upload a trust list through `/` (the form's multipart POST), render the answer.
curl -sf -F file=@testdata/itl-11x-cm-sha1.tlv "$base/" | sed "s|<head>|<head><base href=\"$base/\">|" >"$work/upload.html"
chrome --dump-dom "file://$work/upload.html" >"$work/upload.dom"
grep -q 'data-verdict="valid"' "$work/upload.dom" || { echo "browser: no valid verdict"; exit 1; }
grep -q 'signed by <b>CallManager</b>' "$work/upload.dom" || { echo "browser: no signer token"; exit 1; }
"$ITLCTL" show testdata/itl-11x-cm-sha1.tlv | grep -v 'last modified' | sed -n '1,12p' >"$work/show.txt"
python3 - "$work/upload.dom" "$work/show.txt" <<'PY'
import html, re, sys
dom = open(sys.argv[1]).read()
pre = re.search(r'<pre class="show"[^>]*>(.*?)</pre>', dom, re.S)
assert pre, "no show text in the page"
text = html.unescape(pre.group(1))
want = open(sys.argv[2]).read()
assert text.startswith(want), "the page's show text differs from itlctl show"
PY
chrome --screenshot="$ART/upload.png" --window-size=1280,1400 "file://$work/upload.html"

# 2. Reports over UDP in CUCM's shape, then the fleet page.
python3 - "$udp" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
good = "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13"
old = "9F 3B 11 42 7A 0C D5 E8 61 2B 44 90 AB CD EF 01 23 45 67 89"
for i in range(300):
    h = old if i % 3 == 0 else good
    m = (f"<190>{i}: cucm-pub: Dec 02 2026 01:32:45 AM.042 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: "
         f"%[DeviceName=SEP1C1D86{i:06X}][IPv4Address=10.20.1.{i % 250}][ITL_Signature={h}]"
         f"[ITL_TFTP_Server=cucm-pub][CTL_Signature=Not Installed]: Device trust list information")
    s.sendto(m.encode(), ("127.0.0.1", int(sys.argv[1])))
time.sleep(1.5)
PY
chrome --dump-dom "$base/fleet" >"$work/fleet.dom"
grep -q 'data-status="Mismatch" data-count="100"' "$work/fleet.dom" || { echo "browser: bar chart wrong"; exit 1; }
grep -q 'data-status="Match" data-count="200"' "$work/fleet.dom" || { echo "browser: bar chart wrong"; exit 1; }
grep -q 'SEP1C1D86000000' "$work/fleet.dom" || { echo "browser: rows missing"; exit 1; }
grep -q '<polyline\|<circle' "$work/fleet.dom" || { echo "browser: no line chart"; exit 1; }
chrome --screenshot="$ART/fleet.png" --window-size=1280,900 "$base/fleet"
chrome --screenshot="$ART/fleet-mismatch.png" --window-size=1280,900 "$base/fleet?status=Mismatch"

# 3. The /plan page (a GET form, no script needed): CallManager and TVS on the reference ITL.
plan="$base/plan?regenerate=callmanager&regenerate=tvs"
chrome --dump-dom "$plan" >"$work/plan.dom"
grep -q 'data-step="1" data-online="accept-via-tvs"' "$work/plan.dom" || { echo "browser: plan step 1 wrong"; exit 1; }
grep -q 'data-step="2" data-online="accept" data-offline="reject"' "$work/plan.dom" || { echo "browser: plan step 2 wrong"; exit 1; }
grep -q 'value="callmanager" checked' "$work/plan.dom" || { echo "browser: plan form lost the choice"; exit 1; }
grep -q '<a href="/plan" class="active">Plan</a>' "$work/plan.dom" || { echo "browser: no Plan in the navigation"; exit 1; }
chrome --screenshot="$ART/plan.png" --window-size=1280,1800 "$plan"

# 4. Phones asked directly: a fake CP-7841 on 127.0.0.2 serving its "Network setup" page, and
# 127.0.0.3 where nothing listens; a second server probes both once at start.
phone_port=$(free_port)
timeout 120 python3 - "$phone_port" testdata/phone-pages/serve-7841-network-setup.html <<'PY' &
import http.server, sys
page = open(sys.argv[2], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=iso-8859-1")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.2", int(sys.argv[1])), H).serve_forever()
PY
phone=$!
# The fake phone must be listening before serve probes it at start.
wait_for "http://127.0.0.2:$phone_port/" 100
http2=$(free_port)
"$ITLCTL" serve --listen "127.0.0.1:$http2" --db "$work/probe.db" --itl cucm-pub=testdata/itl-11x-cm-sha1.tlv \
  --probe 127.0.0.2 --probe 127.0.0.3 --phone-port "$phone_port" --probe-every 0 --timeout-ms 1000 >"$work/log2" 2>&1 &
pid2=$!
base2="http://127.0.0.1:$http2"
for _ in $(seq 100); do
  curl -sf "$base2/api/health" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["probe"]["last"] else 1)' \
    2>/dev/null && break
  sleep 0.2
done
chrome --dump-dom "$base2/fleet" >"$work/probe.dom"
grep -q 'data-probe="asked"><b>2</b>' "$work/probe.dom" || { echo "browser: probe counts missing"; exit 1; }
grep -q 'probe failed: unreachable' "$work/probe.dom" || { echo "browser: the failed probe is not shown"; exit 1; }
grep -q 'data-probe="answered"><b>1</b>' "$work/probe.dom" || { echo "browser: the phone page was not read"; exit 1; }
grep -q 'SEP5006AB806306' "$work/probe.dom" || { echo "browser: the probed phone is missing"; exit 1; }
grep -q '<span class="src probe">probe</span>' "$work/probe.dom" || { echo "browser: no probe source"; exit 1; }
chrome --screenshot="$ART/fleet-probe.png" --window-size=1280,900 "$base2/fleet"
echo "browser test passed; screenshots in $ART"
