#!/usr/bin/env bash
# Runs every stratus-sproto subcommand once and compares its output with the expected text.
# usage: cli_test.sh PATH/TO/stratus-sproto SCHEMA_DIR
set -u
bin=$1
schemas=$2
failures=0

expect() {  # expect NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then
    echo "ok   $1"
  else
    echo "FAIL $1"
    echo "  expected: $2"
    echo "  actual:   $3"
    failures=$((failures + 1))
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check: a good file passes, a bad one names the file and line and exits 1.
expect "check ok" "$schemas/readme.sproto: ok (2 types, 0 protocols)" \
  "$("$bin" check "$schemas/readme.sproto")"
printf '.A {\n  a 0 : integer\n  b 0 : string\n}\n' >"$tmp/bad.sproto"
out=$("$bin" check "$tmp/bad.sproto" 2>&1)
expect "check error exit code" "1" "$?"
expect "check error message" "$tmp/bad.sproto:3: redefine tag 0 in type A" "$out"

# dump: one protocol line.
expect "dump" "signin 3 { request signin.request response signin.response }" \
  "$("$bin" dump "$schemas/rpc.sproto" | grep '^signin')"

# encode / decode: README example 1.
expect "encode" "030000001c00020005000000416c696365" \
  "$(echo '{"name":"Alice","age":13,"marital":false}' | "$bin" encode "$schemas/readme.sproto" Person)"
expect "decode" '{"age":13,"marital":false,"name":"Alice"}' \
  "$(echo 030000001c00020005000000416c696365 | "$bin" decode "$schemas/readme.sproto" Person)"

# pack / unpack: the documentation's example.
expect "pack" "510803023119aa01" \
  "$(echo 080000000300020019000000aa010000 | "$bin" pack)"
expect "unpack" "080000000300020019000000aa010000" "$(echo 510803023119aa01 | "$bin" unpack)"

# rpc-decode: a signin request with session 2 and ud "UD".
expect "rpc-decode" \
  '{"c2s":{"args":{"userid":"alice"},"name":"signin","tag":3},"kind":"request","s2c":{"args":{"userid":"alice"},"name":"signin","tag":3},"session":2,"type":3,"ud":"UD"}' \
  "$(echo 150308067102554401c405616c07696365 | "$bin" rpc-decode "$schemas/rpc.sproto" "$schemas/rpc.sproto")"

exit $((failures > 0))
