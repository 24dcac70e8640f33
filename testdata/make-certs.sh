#!/usr/bin/env bash
# Makes the keys and certificates the fixtures are built from, with openssl.
# Keys are random, so this runs once and its output is checked in; it skips any
# certificate that already exists. The .tlv fixtures are then (re)built from these by
# `ITLCTL_BLESS=1 cargo test -p itl --test fixtures`.
set -euo pipefail
cd "$(dirname "$0")/keys"

# self NAME BITS SERIAL SUBJECT
self() {
  local name=$1 bits=$2 serial=$3 subj=$4
  [ -f "$name.pem" ] && return 0
  openssl genrsa -out "$name.key" "$bits" 2>/dev/null
  openssl req -x509 -new -key "$name.key" -subj "$subj" -set_serial "0x$serial" \
    -days 3650 -sha256 -outform DER -out "$name.der"
  openssl x509 -inform DER -in "$name.der" -out "$name.pem"
}

# issued NAME BITS SERIAL SUBJECT CA
issued() {
  local name=$1 bits=$2 serial=$3 subj=$4 ca=$5
  [ -f "$name.pem" ] && return 0
  openssl genrsa -out "$name.key" "$bits" 2>/dev/null
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -set_serial "0x$serial" \
    -days 3650 -sha256 -outform DER -out "$name.der" 2>/dev/null
  openssl x509 -inform DER -in "$name.der" -out "$name.pem"
  rm -f "$name.csr"
}

# CUCM 10.0 cluster of Cisco document 117598 (seeds/004): 1024-bit, one 2048-bit TVS.
L='/OU=tac/O=cisco/L=rtp/ST=nc/C=US'
self cm10pub 1024 614052E91EE97C779B7B5E810AB146A5 "/CN=test10pub.joemar2.lab$L"
self capf10 1024 42BF37779B16AF1CD23088C217249DAA "/CN=CAPF-75638ad9$L"
self tvs10pub 1024 765984D8B730606336E5C7B6A7DDB9D6 "/CN=test10pub.joemar2.lab$L"
self itlrec10 1024 6E3F65C297B3E01FE74281AB52CC55DC "/CN=ITLRECOVERY_test10pub.joemar2.lab$L"
self tvs10sub 2048 67D1A19EF8AB91E6C0A610352630EE02 "/CN=test10sub.joemar2.lab$L"

# CUCM 12.5 cluster: 2048-bit everywhere, ITLRecovery signs with SHA-512.
L12='/OU=UC/O=Example/L=Auckland/ST=AKL/C=NZ'
self cm12pub 2048 5D1A2B3C4D5E6F708192A3B4C5D6E7F8 "/CN=cucm12pub.example.com$L12"
self itlrec12 2048 71E2D3C4B5A6978899AABBCCDDEEFF01 "/CN=ITLRECOVERY_cucm12pub.example.com$L12"
self tvs12pub 2048 3A4B5C6D7E8F90A1B2C3D4E5F6071829 "/CN=cucm12pub.example.com$L12"
self capf12 2048 2B3C4D5E6F708192A3B4C5D6E7F80912 "/CN=CAPF-1a2b3c4d$L12"

# Cisco document 118892: eToken-signed CTL (Cisco Manufacturing CA, SAST-ADN tokens).
self mfgca 2048 01 "/CN=Cisco Manufacturing CA/O=Cisco Systems"
issued etoken1 1024 3CF927000000AFA2DA45 "/CN=SAST-ADN0054f509/OU=IPCBU/O=Cisco Systems" mfgca
issued etoken2 1024 83E9080000005545AF31 "/CN=SAST-ADN008580ef/OU=IPCBU/O=Cisco Systems" mfgca
self capf105 1024 795916C154AF310C0FAEEA972E081B31 "/CN=CAPF-e9037b69/OU=TAC/O=Cisco/L=Krakow/ST=Malopolska/C=PL"

# Cisco document 118893: tokenless CTL on 10.5, signed by the publisher's CallManager key.
self cm105pub 2048 70CAF64E090751B9DF22F49F754FC5BB "/CN=cucm-1051-a-pub/OU=TAC/O=Cisco/L=Krakow/ST=Malopolska/C=PL"

# A key nobody's file holds, and a 4096-bit signer for the 39-record ITL.
self stranger 1024 0BADC0DE "/CN=stranger.example.com/O=Nobody"
self big4096 4096 4096AB "/CN=ITLRECOVERY_big.example.com/OU=UC/O=Example"
for i in $(seq -w 1 38); do
  self "node$i" 2048 "10$i" "/CN=node$i.example.com/OU=UC/O=Example"
done

# An ECDSA P-256 signer (certutils accepts EC records; CUCM's use of them is unknown).
if [ ! -f ec256.pem ]; then
  openssl ecparam -name prime256v1 -genkey -noout -out ec256.sec1
  openssl pkcs8 -topk8 -nocrypt -in ec256.sec1 -out ec256.key && rm ec256.sec1
  openssl req -x509 -new -key ec256.key -subj "/CN=ecsast.example.com/O=Example" -set_serial 0x0EC256 \
    -days 3650 -sha256 -outform DER -out ec256.der
  openssl x509 -inform DER -in ec256.der -out ec256.pem
fi

# Regenerated certificates (same names, new keys and serials) for the diff scenarios of
# the seeds: CallManager and TVS on 10.x/11.5, CallManager and ITLRecovery on 12.x.
self cm10pub-regen 1024 2A7B3C4D5E6F70819293A4B5C6D7E8F9 "/CN=test10pub.joemar2.lab$L"
self tvs10pub-regen 1024 1B2C3D4E5F60718293A4B5C6D7E8F90A "/CN=test10pub.joemar2.lab$L"
self cm12pub-regen 2048 4C5D6E7F8091A2B3C4D5E6F708192A3B "/CN=cucm12pub.example.com$L12"
self itlrec12-regen 2048 5E6F708192A3B4C5D6E7F8091A2B3C4D "/CN=ITLRECOVERY_cucm12pub.example.com$L12"
# A certificate that expired long ago (for lint), made with a past start date.
if [ ! -f expired.pem ]; then
  openssl genrsa -out expired.key 2048 2>/dev/null
  openssl req -new -key expired.key -subj "/CN=old-cucm.example.com/O=Example" -out expired.csr
  openssl x509 -req -in expired.csr -signkey expired.key -set_serial 0x0E0E -days 1 \
    -outform DER -out expired.der 2>/dev/null
  openssl x509 -inform DER -in expired.der -out expired.pem
  rm -f expired.csr
fi

# Certificates whose RDNs are not in CUCM's order (issue: names compared as sets).
# The CUCM 12.5 ITLRecovery of docs/format.md: DER order L, ST, CN, OU, O, C; `show itl` prints
# CN=ITLRECOVERY_1cucm1251.sckiewer.lab;OU=TAC;O=Cisco;L=RTP;ST=NC;C=US.
self itlrec125 2048 4F1E2D3C4B5A69788796A5B4C3D2E1F0 "/L=RTP/ST=NC/CN=ITLRECOVERY_1cucm1251.sckiewer.lab/OU=TAC/O=Cisco/C=US"
# A CallManager certificate with C first (C, ST, L, O, OU, CN).
self cfirst 2048 0C1F2E3D4C5B6A79 "/C=US/ST=nc/L=rtp/O=cisco/OU=tac/CN=cucm-cfirst.example.com"
