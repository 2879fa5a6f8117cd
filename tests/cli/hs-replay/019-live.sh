# Standard input from a live pipe (hs-replay -): events are written and
# the checkpoint saved while input is idle; SIGTERM drains the pipe for
# --drain-timeout, then flushes, checkpoints and exits 143; an oversize
# line is dead-lettered whole, from a pipe and from a zstd archive (its
# bytes straddle the decoder's 1 MiB chunks).
# hs-test: serial (bounds elapsed time)
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"
need jq zstd

gen 1 5 1000 >events
mkfifo in
hs-replay --stats --checkpoint ck --drain-timeout 2 - <in >out 2>err &
pid=$!
exec 3>in
sed -n 1,3p events >&3
wait_for 5 sh -c '[ "$(wc -l <out)" -eq 3 ]' ||
	fail "events not written while input is idle: $(wc -l <out)"
wait_for 5 grep -q '"line":3' ck || fail "checkpoint not saved when idle: $(cat ck 2>/dev/null)"
expect_eq "checkpoint names" "$(jq -r .file ck)" "<stdin>"
sed -n 4p events >&3
wait_for 5 sh -c '[ "$(wc -l <out)" -eq 4 ]' || fail "event 4 not written"
kill -TERM $pid
sleep 0.5
sed -n 5p events >&3 # still read: the pipe is drained
start=$(date +%s)
rc=0
wait $pid || rc=$?
took=$(($(date +%s) - start))
exec 3>&-
expect_eq "exit status" "$rc" 143
[ "$took" -le 4 ] || fail "the drain took $took s, limit 2 s"
cmp events out || fail "events differ"
expect_grep 'stats in=5 out=5 dlq=0' err
expect_eq "checkpoint line after the signal" "$(jq .line ck)" 5

# --drain-timeout 0: SIGTERM while blocked on an idle pipe stops at once.
mkfifo in0
hs-replay --drain-timeout 0 - <in0 >out0 2>err0 &
pid=$!
exec 3>in0
sed -n 1,2p events >&3
wait_for 5 sh -c '[ "$(wc -l <out0)" -eq 2 ]' || fail "events not written (0)"
kill -TERM $pid
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq "exit status (drain 0)" "$rc" 143

# An oversize line: whole in event_base64, from a pipe (no --dlq: one
# located line on stderr) and from plain and zstd archives.
{
	sed -n 1p events
	printf '{"pad":"'
	head -c 2500000 /dev/zero | tr '\0' b
	printf '"}\n'
	sed -n 2p events
} >big.ndjson
sed -n 2p big.ndjson | tr -d '\n' >big.line
sed -n 1,2p events >want
rc=0
cat big.ndjson | hs-replay --max-event-size 1M - >out 2>err || rc=$?
expect_eq "exit status (pipe)" "$rc" 1
cmp want out || fail "events around the oversize line (pipe)"
expect_grep '^hs-replay: <stdin>:2: too_large: ' err
zstd -q big.ndjson -o big.ndjson.zst || fail "zstd failed"
for f in big.ndjson big.ndjson.zst; do
	rm -f dlq
	rc=0
	hs-replay --max-event-size 1M --dlq dlq --checkpoint ck.$f $f >out ||
		rc=$?
	expect_eq "exit status ($f)" "$rc" 1
	cmp want out || fail "events around the oversize line ($f)"
	jq -e --arg f $f '.reason == "too_large" and .input == {"file":$f,"line":2}' \
		dlq >/dev/null || fail "record ($f): $(head -c 300 dlq)"
	jq -r .event_base64 dlq | base64 -d >back
	cmp big.line back || fail "the oversize line is not whole ($f)"
	expect_eq "checkpoint line ($f)" "$(jq .line ck.$f)" 3
done
exit 0
