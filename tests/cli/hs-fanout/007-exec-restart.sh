# exec: one long-running child per target, fed on stdin; a child that
# dies is restarted and the event it did not take is delivered again.
# The command comes from the rules file; event data never reaches a shell.
cat >child.sh <<'X'
# reads one line per run, then exits: every event needs a new child
read -r line && printf '%s\n' "$line" >>got.ndjson
echo run >>runs
X
cat >rules.json <<'X'
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"exec:sh child.sh","retry":{"attempts":10}}]}]
X
i=0
while [ $i -lt 5 ]; do echo "{\"n\":$i,\"s\":\"\$(touch pwned); \`touch pwned\`\"}"; i=$((i + 1)); done >in
hs-fanout --stats --rules rules.json in >out 2>err || fail "exit $?: $(cat err)"
expect_file_eq got.ndjson in
[ "$(count_lines runs)" -ge 5 ] || fail "child not restarted: $(cat runs)"
expect_grep 'restarting' err
[ ! -e pwned ] || fail "event data reached a shell"
