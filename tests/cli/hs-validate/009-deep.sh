# Deep nesting: a recursive schema over deeply nested events neither
# overflows the stack nor hangs.
echo '{"type":"array","items":{"$ref":"#"}}' >s.json
deep() { i=0; s=; e=; while [ $i -lt "$1" ]; do s="$s["; e="$e]"; i=$((i + 1)); done; echo "$s$e"; }
deep 500 >in
expect_exit 0 hs-validate --schema s.json in >out
expect_file_eq out in
deep 600 >in2
expect_exit 1 hs-validate --schema s.json --dlq dlq in2 >/dev/null
expect_grep '"reason":"too_deep"' dlq
# a schema that refers to itself without consuming the instance
echo '{"$ref":"#"}' >loop.json
echo '1' >one
expect_exit 1 hs-validate --schema loop.json --dlq dlq2 one >/dev/null
expect_grep '"reason":"too_deep"' dlq2
