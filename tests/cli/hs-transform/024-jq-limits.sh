# Where libjq 1.6 crashes, loops or grows without end, that event is
# dead-lettered (jq_limit past --jq-timeout or --jq-memory, jq_crash when
# libjq aborts) and the events around it come out; SIGTERM still works
# while libjq runs.  Each run is bounded by timeout(1): on a tool without
# the bounds these hang or abort.
printf '%s\n' '{"a":1}' '[1]' '{"a":2}' '[2]' '{"a":3}' >in
printf '%s\n' '{"a":1}' '{"a":2}' '{"a":3}' >want
bounded() {
	timeout -s KILL 60 hs-transform --jq-timeout 2s --jq-memory 128MiB \
	    --dlq dlq "$@" in >out 2>err
}
# REASON is a regex: a program that grows in small steps may meet the
# memory bound in an allocation libjq does not check (jq_crash).
check() { # PROGRAM REASON MESSAGE
	rm -f dlq
	rc=0
	bounded "if type == \"array\" then $1 else . end" || rc=$?
	expect_eq "exit status of $1" "$rc" 1
	expect_file_eq out want
	expect_eq "dead letters of $1" "$(count_lines dlq)" 2
	grep -qE "\"reason\":\"($2)\"" dlq || cat dlq >&2
	expect_eq "$1: $2" "$(grep -cE "\"reason\":\"($2)\"" dlq)" 2
	expect_grep "$3" dlq
}
# An AddressSanitizer build keeps no memory bound (jqjail.c), so there
# the two programs that grow without end are not run.
if [ -z "${HS_SANITIZE:-}" ]; then
	# the huge array meets the memory bound either in libjq's checked
	# allocator (jq_limit) or in one it does not check (jq_crash)
	check 'try (.[999999999] = 0) catch .' 'jq_limit|jq_crash' '"message":"libjq \|out of memory past --jq-memory (128MiB)'
	check '[range(1e9)]' 'jq_limit|jq_crash' '"message":"libjq '
else
	echo "report: sanitizer build: the memory-bound cases are not run" >&2
fi
check '[range(3)] | .[nan:1]' jq_crash 'libjq 1.6 crashed on this event'
check 'del(.[nan])' 'jq_limit|jq_crash' '"message":"libjq '
# a loop that allocates nothing meets the time bound
check 'until(false; .)' jq_limit 'libjq ran past --jq-timeout (2s)'
# The bounds are options: 0 turns a bound off (the timeout still ends it).
rm -f dlq
expect_exit 1 hs-transform --jq-timeout 1s --jq-memory 0 --dlq dlq \
    'if type == "array" then until(false; .) else . end' in >out 2>err
expect_file_eq out want
expect_eq "until: jq_limit" "$(grep -c '"reason":"jq_limit"' dlq)" 2
expect_exit 2 hs-transform --jq-timeout soon . in
expect_exit 2 hs-transform --jq-memory lots . in
# SIGTERM while libjq runs `until(false; .)`: 143 within a bounded wait.
rm -f dlq out
mkfifo fifo
hs-transform --jq-timeout 60s --drain-timeout 1 --dlq dlq \
    'if .a == 2 then until(false; .) else . end' <fifo >out 2>err &
pid=$!
exec 3>fifo
echo '{"a":1}' >&3
wait_for 10 grep -q '"a":1' out || fail "the first event did not come out"
echo '{"a":2}' >&3
kill -TERM $pid
wait_for 10 sh -c "! kill -0 $pid" || {
	kill -KILL $pid
	fail "SIGTERM did not end hs-transform during evaluation"
}
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq "exit status after SIGTERM" "$rc" 143
expect_grep '"reason":"jq_limit"' dlq
expect_grep 'still running at the stop signal' dlq
