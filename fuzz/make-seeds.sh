#!/bin/sh
# Writes the fuzz targets' seed corpus under fuzz/corpus/: real files from the inspector's
# fixtures (openssl: modern, -legacy, 3DES, RC2, ...), Java keytool files and BER files with
# indefinite lengths and chunked strings, as Windows and Java write them. Every key and
# password here is for tests only. Needs openssl, keytool (Java 17) and python3; run from
# anywhere: `sh fuzz/make-seeds.sh`. keytool makes new keys, so it rewrites those seeds.
set -eu
cd "$(dirname "$0")"
fixtures=../shared/tests/fixtures
PASS='Test-Only-Pass-2345'
UNICODE_PASS='blåbær-Ø-test'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

files="$work/files"
mkdir -p "$files"
for name in default compat legacy rc2-128 pbes2-3des aes128-sha512 ec nomac plain plain-nomac \
  nokey nocert mismatch unicode huge-iter; do
  cp "$fixtures/$name.p12" "$files/"
done

# Java keytool, PKCS12 store type: PBES2 AES-256 with HMAC-SHA256 at 10,000 iterations.
keytool -genkeypair -storetype PKCS12 -keystore "$files/keytool-rsa.p12" -storepass "$PASS" \
  -alias client -keyalg RSA -keysize 2048 -dname "CN=keytool client,O=Acme AS" -validity 730 \
  2>/dev/null
keytool -genkeypair -storetype PKCS12 -keystore "$files/keytool-ec.p12" -storepass "$PASS" \
  -alias client -keyalg EC -groupname secp256r1 -dname "CN=keytool ec,O=Acme AS" \
  -validity 730 2>/dev/null

# The EC key and certificate with nothing encrypted and no MAC: the fuzzer can reach the EC key
# and certificate parsers without a key derivation in the way.
openssl pkcs12 -in "$fixtures/ec.p12" -passin "pass:$PASS" -nodes -out "$work/ec.pem" 2>/dev/null
openssl pkcs12 -export -in "$work/ec.pem" -nomac -keypbe NONE -certpbe NONE \
  -passout "pass:$PASS" -out "$files/ec-plain-nomac.p12"

# BER as Windows and Java write it: indefinite lengths and OCTET STRINGs in chunks. With a MAC
# only the outer layer may change; without one, every layer down to the bags.
python3 - "$fixtures" "$files" <<'PY'
import sys

def header(der):
    tag, first = der[0], der[1]
    if first < 0x80:
        return first, 2
    n = first & 0x7f
    return int.from_bytes(der[2:2 + n], "big"), 2 + n

def holds_layer(b):
    # A PKCS#12 layer is a SEQUENCE of SEQUENCEs that start with an OID.
    try:
        outer_len, h = header(b)
        inner = b[h:h + outer_len]
        _, h2 = header(inner)
        return b[0] == 0x30 and inner[0] == 0x30 and inner[h2] == 0x06
    except IndexError:
        return False

def to_ber(der, nested):
    out, rest = bytearray(), der
    while rest:
        tag = rest[0]
        length, h = header(rest)
        contents, rest = rest[h:h + length], rest[h + length:]
        if tag & 0x20:
            out += bytes([tag, 0x80]) + to_ber(contents, nested) + b"\0\0"
        elif tag in (0x04, 0x80) and length > 16:
            inner = to_ber(contents, nested) if nested and tag == 0x04 and holds_layer(contents) else contents
            out += bytes([tag | 0x20, 0x80])
            for i in range(0, len(inner), 100):
                chunk = inner[i:i + 100]
                out += bytes([0x04, 0x81, len(chunk)]) + chunk
            out += b"\0\0"
        else:
            out += bytes([tag]) + der[len(der) - len(rest) - length - h + 1:len(der) - len(rest)]
    return bytes(out)

fixtures, files = sys.argv[1], sys.argv[2]
for name, nested in [("default", False), ("legacy", False), ("nomac", True), ("plain-nomac", True)]:
    der = open(f"{fixtures}/{name}.p12", "rb").read()
    open(f"{files}/ber-{name}.p12", "wb").write(to_ber(der, nested))
PY

rm -rf corpus
mkdir -p corpus/ber corpus/pfx corpus/inspect corpus/collect_json
for file in "$files"/*.p12; do
  name=$(basename "$file")
  cp "$file" "corpus/ber/$name"
  cp "$file" "corpus/pfx/$name"
  # inspect: the first byte picks the password and the CA (see fuzz_targets/inspect.rs).
  case "$name" in
    unicode.p12) ;;
    ec*.p12|keytool-ec.p12|ber-ec*) { printf '\005'; cat "$file"; } > "corpus/inspect/$name" ;;
    *) { printf '\001'; cat "$file"; } > "corpus/inspect/$name" ;;
  esac
done
# unicode.p12 with its own password: bit 1 set, the password's length in bytes above it.
len=$(printf '%s' "$UNICODE_PASS" | wc -c)
{ printf "\\$(printf '%03o' $((len * 4 + 2)))"; printf '%s' "$UNICODE_PASS"; \
  cat "$files/unicode.p12"; } > corpus/inspect/unicode.p12

# collect_json: the bodies of the collect API, as the SPA sends and reads them.
json() { printf '%s' "$2" > "corpus/collect_json/$1.json"; }
json token '{"token":"kq3VN0n1Yb8v7J2mUu9F5w"}'
json verify '{"token":"kq3VN0n1Yb8v7J2mUu9F5w","code":"04718263"}'
json receipt-hex '{"sha256":"9052aae2471d425d4dd120239986bc88a70d7886440627203304cb71470dc0df"}'
json receipt-base64 '{"sha256":"kFKq4kcdQl1N0SAjmYa8iKcNeIZEBicgMwTLcUcNwN8="}'
json error '{"code":"WRONG_CODE","message":"The code is wrong.","attempts_left":3}'
json error-fields '{"code":"INVALID_INPUT","message":"m","fields":[{"field":"mobile","message":"m"}]}'
json open '{"org":"Acme AS","service":"Payments","client":"e-banking","contact_name":"Kari","masked_mobile":"+47 *** ** 123","state":"link_sent","code_expires_at":"2026-01-01T00:30:00Z","code_expires_in":1800,"attempts_left":5,"resends_left":5,"resend_available_in":0,"link_expires_at":"2026-01-08T00:00:00Z","locale":"en"}'
json session '{"session":"s3ss10n","expires_at":"2026-01-01T00:15:00Z","expires_in":900,"downloads_left":3}'
json resend '{"masked_mobile":"+47 *** ** 123","code_expires_at":"2026-01-01T00:30:00Z","code_expires_in":1800,"resends_left":4,"resend_available_in":60,"attempts_left":5}'
json receipt-response '{"masked_mobile":"+47 *** ** 123","state":"collected"}'
printf '%s' 'sha-512=:AAAA:, sha-256=:kFKq4kcdQl1N0SAjmYa8iKcNeIZEBicgMwTLcUcNwN8=:' > corpus/collect_json/repr-digest.txt
printf '%s' 'attachment; filename="e-banking-0a1b.p12"' > corpus/collect_json/disposition.txt
# ocsp: requests as openssl writes them about the fixture client, with either CertID hash, with
# and without a nonce, and several certificates in one.
mkdir -p corpus/ocsp
openssl x509 -inform DER -in "$fixtures/ca.der" -out "$work/ca.pem"
openssl x509 -inform DER -in "$fixtures/client.der" -out "$work/client.pem"
ocsp() { name=$1; shift; openssl ocsp -issuer "$work/ca.pem" "$@" -reqout "corpus/ocsp/$name.der"; }
ocsp sha1-nonce -cert "$work/client.pem"
ocsp sha1 -cert "$work/client.pem" -no_nonce
ocsp sha256 -sha256 -cert "$work/client.pem" -no_nonce
ocsp several -cert "$work/client.pem" -serial 0x1234 -serial 0x00ff
echo "seeds written to $(pwd)/corpus"
