# exec: a child that reads in blocks and exits non-zero early (head -n 10
# reads far more than 10 lines) has not delivered what it read: a line is
# delivered only once the child read past it, or read it and exited 0.
# What it left is fed to its successor, and after the retry attempts
# dead-lettered with the exit status; nothing is lost, stats add up, and
# the exhausted retries end the run with 75.
need jq
cat >rules.json <<'X'
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":["exec:sh -c 'head -n 10 >>got; exit 3'"]}]
X
i=0
while [ $i -lt 100 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >in
rc=0
hs-fanout --stats --dlq dlq.ndjson --rules rules.json in >out 2>err || rc=$?
expect_eq "exit status" "$rc" 75
counts=$(sed -n 's/.*target:exec:[^=]*=\([0-9]*\/[0-9]*\/[0-9]*\).*/\1/p' err)
q=${counts%%/*}
d=${counts#*/}
d=${d%/*}
x=${counts##*/}
expect_eq "queued" "$q" 100
expect_eq "delivered+dead" "$((d + x))" 100
[ "$x" -ge 1 ] || fail "nothing dead-lettered: $counts"
expect_eq "dead letters" "$(count_lines dlq.ndjson)" "$x"
expect_eq "dead letters naming the status" \
	"$(grep -c "'sh' exited with status 3" dlq.ndjson)" "$x"
expect_grep '"exhausted":"MaximumRetryAttempts"' dlq.ndjson
# a delivered line was written out by some child
[ "$(sort -u got | wc -l)" -ge "$d" ] || fail "delivered $d, children wrote $(sort -u got | wc -l)"
# every event reached a child or the dead-letter file
{ sort -u got; jq -c .event dlq.ndjson; } | sort -u >seen
sort -u in >want
expect_file_eq seen want
