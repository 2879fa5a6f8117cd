#!/bin/sh
# hs-consume --ack: offsets are committed only for events the whole pipe
# finished.  hs-consume --ack | hs-validate --ack | a sink that acks each
# event after it "delivered" it; the sink dies mid-stream, the pipe is
# restarted in the same group: every event is delivered, the events the
# sink acknowledged are not delivered again, and the ones it did not are.
. "$HS_TESTS/cli/lib.sh"
need kcat jq python3
kafka_start --topic a:4 || fail "no mock cluster"

# 200 events; every 10th has no "n" and is dead-lettered by hs-validate
# (which acks it through the tool frame).
awk 'BEGIN { for (i = 1; i <= 200; i++)
	if (i % 10) printf "k%d:{\"n\":%d}\n", i, i
	else printf "k%d:{\"m\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t a -K: || fail "produce"
echo '{"type":"object","required":["n"]}' >schema.json

# The final stage: append each event to $2, then ack it on the FIFO $1
# and note it in $3; with $4, die by SIGKILL on event $4 after
# delivering it but before acking it.
cat >sink.py <<'PY'
import errno, fcntl, json, os, signal, sys, time
fifo, out, acked = sys.argv[1], sys.argv[2], sys.argv[3]
die = int(sys.argv[4]) if len(sys.argv) > 4 else 0
for _ in range(500):
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        break
    except OSError as e:
        if e.errno not in (errno.ENOENT, errno.ENXIO):
            raise
        time.sleep(0.01)
fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
o, a, seen = open(out, "a"), open(acked, "a"), 0
for line in sys.stdin:
    ev = json.loads(line)
    k = ev["hs"]["kafka"]
    o.write("%d\n" % ev["n"]); o.flush()
    seen += 1
    if seen == die:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.005)
    os.write(fd, ("- %s %d %d\n" % (k["topic"], k["partition"], k["offset"])).encode())
    a.write("%d\n" % ev["n"]); a.flush()
PY

fast="-X session.timeout.ms=6000 -X heartbeat.interval.ms=500"
# shellcheck disable=SC2086
pipe() { # $1 run name, $2 sink's fatal event (or empty), hs-consume args
	run=$1 die=$2
	shift 2
	sh -c 'echo $$ >pc.pid; exec hs-consume "$@"' hs-consume \
		-b "$BROKERS" -t a -G ga --ack ack.fifo --ack-timeout 2s \
		$fast "$@" 2>"$run.consume.err" |
		hs-validate --ack ack.fifo --schema schema.json \
			--dlq "$run.dlq" 2>"$run.validate.err" |
		python3 sink.py ack.fifo "$run.out" "$run.acked" $die \
			2>"$run.sink.err"
}

pipe run1 60 &
hs_on_exit 'kill $(cat pc.pid) 2>/dev/null'

wait_for 30 test -s run1.acked || fail "run1: nothing acked"
wait_for 20 sh -c '[ "$(wc -l <run1.out)" -eq 60 ]' ||
	fail "run1: the sink did not stop at 60"
sleep 0.5
test -p ack.fifo || fail "FIFO missing while hs-consume runs"
kill -TERM "$(cat pc.pid)"
wait_for 10 sh -c '! kill -0 $(cat pc.pid) 2>/dev/null' ||
	fail "hs-consume did not exit after SIGTERM"
expect_grep 'event.* not acknowledged after 2s' run1.consume.err
test ! -e ack.fifo || fail "FIFO not removed at exit"
expect_eq "run1 acked" "$(count_lines run1.acked)" 59

pipe run2 "" -e || fail "run2 pipe failed"
expect_eq "run2 all acked" "$(count_lines run2.out)" "$(count_lines run2.acked)"
expect_no_grep 'not acknowledged' run2.consume.err

# Every valid event delivered at least once; none acked in run1 again;
# everything not acked in run1 delivered in run2.
seq 1 200 | awk '$1 % 10' | sort >valid
sort -u run1.out run2.out >delivered
expect_file_eq valid delivered
sort run1.acked >a1
sort run2.out >o2
expect_eq "acked in run1, delivered again" "$(comm -12 a1 o2 | wc -l)" 0
comm -23 valid a1 >unacked1
expect_file_eq unacked1 o2
cat run1.dlq run2.dlq | jq -r .event.m | sort -u >dead
seq 10 10 200 | sort >invalid
expect_file_eq invalid dead

# All committed: a third run finds nothing.
pipe run3 "" -e || fail "run3 pipe failed"
expect_eq "run3 reads nothing" "$(count_lines run3.out)" 0
