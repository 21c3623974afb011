#!/bin/sh
# gen.sh regenerates the test PKI in this directory with openssl:
#
#   ca.pem, ca-key.pem                  test CA "ftpkit test CA", 2000 until 2126
#   server.pem, server-key.pem          127.0.0.1, ::1, localhost; until 2126
#   wrong-host.pem, wrong-host-key.pem  wrong.example only; until 2126
#   expired.pem, expired-key.pem        127.0.0.1, ::1, localhost; expired 2001
#   client.pem, client-key.pem          client cert CN=ftpkit-client; until 2126
#
# Every leaf is signed by the CA. Keys are unencrypted EC P-256. These are
# test keys: never trust this CA anywhere else.
set -eu
cd "$(dirname "$0")"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A throwaway "openssl ca" setup: x509 -req cannot set arbitrary validity
# dates before openssl 3.4, ca -startdate/-enddate can.
mkdir -p "$tmp/db"
: >"$tmp/db/index"
cat >"$tmp/ca.cnf" <<EOF
[req]
distinguished_name = dn
x509_extensions = v3_ca
[dn]
[v3_ca]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca]
default_ca = test
[test]
database = $tmp/db/index
new_certs_dir = $tmp/db
serial = $tmp/db/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
organizationName = optional
commonName = supplied
EOF

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

# leaf NAME SUBJECT EXTKEYUSAGE SAN START END (dates as YYYYMMDDHHMMSSZ)
leaf() {
	cat >"$tmp/$1.ext" <<EOF
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = $3
subjectAltName = $4
authorityKeyIdentifier = keyid
EOF
	key "$1-key.pem"
	openssl req -new -config "$tmp/ca.cnf" -key "$1-key.pem" -subj "$2" -out "$tmp/$1.csr"
	openssl rand -hex 16 >"$tmp/db/serial"
	openssl ca -batch -notext -config "$tmp/ca.cnf" -cert ca.pem -keyfile ca-key.pem \
		-startdate "$5" -enddate "$6" -extfile "$tmp/$1.ext" \
		-in "$tmp/$1.csr" -out "$1.pem" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
}

key ca-key.pem
openssl req -new -config "$tmp/ca.cnf" -key ca-key.pem \
	-subj "/O=ftpkit/CN=ftpkit test CA" -out "$tmp/ca.csr"
openssl rand -hex 16 >"$tmp/db/serial"
openssl ca -batch -notext -selfsign -config "$tmp/ca.cnf" -keyfile ca-key.pem \
	-startdate 20000101000000Z -enddate 21260101000000Z -extensions v3_ca \
	-in "$tmp/ca.csr" -out ca.pem 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }

leaf server "/O=ftpkit/CN=localhost" serverAuth \
	"IP:127.0.0.1, IP:::1, DNS:localhost" 20250101000000Z 21260101000000Z
leaf wrong-host "/O=ftpkit/CN=wrong.example" serverAuth \
	"DNS:wrong.example" 20250101000000Z 21260101000000Z
leaf expired "/O=ftpkit/CN=localhost" serverAuth \
	"IP:127.0.0.1, IP:::1, DNS:localhost" 20000101000000Z 20010101000000Z
leaf client "/O=ftpkit/CN=ftpkit-client" clientAuth \
	"DNS:ftpkit-client" 20250101000000Z 21260101000000Z

chmod 644 ./*.pem
openssl verify -CAfile ca.pem server.pem wrong-host.pem client.pem >/dev/null
echo "gen.sh: wrote" ./*.pem
