# exec: a child that exits 0 before the end of input has finished every
# line it read; that is no failure (no "keeps exiting"), and its successor
# gets only the lines it did not read, each exactly once.
cat >rules.json <<'X'
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":["exec:sh -c 'head -n 700 >/dev/null'"]}]
X
cat >exact.json <<'X'
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":["exec:sh lines.sh"]}]
X
# sh's read takes one byte at a time: exactly 700 lines, then exit 0
cat >lines.sh <<'X'
i=0
while [ $i -lt 700 ] && read -r l; do printf '%s\n' "$l"; i=$((i + 1)); done >>got
X
i=0
while [ $i -lt 3000 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >in
rc=0
hs-fanout --stats --dlq dlq.ndjson --rules rules.json in >out 2>err || rc=$?
expect_eq "exit status" "$rc" 0
expect_grep "target:exec:sh -c 'head -n 700 >/dev/null'=3000/3000/0" err
expect_grep 'restarting' err
[ ! -s dlq.ndjson ] || fail "dead letters: $(head -c 500 dlq.ndjson)"
rc=0
hs-fanout --stats --dlq dlq.ndjson --rules exact.json in >out 2>err || rc=$?
expect_eq "exit status" "$rc" 0
expect_grep "target:exec:sh lines.sh=3000/3000/0" err
expect_file_eq got in
