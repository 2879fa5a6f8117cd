#!/bin/sh
# Pacing, measured loosely: --rate 1000/s over 2000 events takes 2 s
# within 15%, evenly (no half of the events in the first tenth of the
# time); --speed 4 replays 2 s of event time in 0.5 s.
# hs-test: serial (bounds elapsed time)
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"

now_ms() {
	date +%s%3N
}

gen 0 2000 1 >a.ndjson
t0=$(now_ms)
hs-replay --rate 1000/s a.ndjson >out &
pid=$!
# half way through, about half of the events are out: not a burst
sleep 1
mid=$(count_lines out)
wait $pid || fail "paced replay failed"
el=$(($(now_ms) - t0))
# Never faster than the rate; slower only within 15%, except under the
# sanitizers, whose instrumented code on a busy machine cannot keep up.
hi=2300
[ -n "${HS_SANITIZE:-}" ] && hi=3500
[ "$el" -ge 1700 ] && [ "$el" -le "$hi" ] || fail "--rate 1000/s over 2000 events took $el ms"
expect_file_eq out a.ndjson
[ "$mid" -ge 750 ] && [ "$mid" -le 1250 ] || fail "$mid events after 1 s at 1000/s"

gen 0 201 10 >b.ndjson
t0=$(now_ms)
hs-replay --speed 4 b.ndjson >out
el=$(($(now_ms) - t0))
hi=800
[ -n "${HS_SANITIZE:-}" ] && hi=1500
[ "$el" -ge 425 ] && [ "$el" -le "$hi" ] || fail "--speed 4 over 2 s of events took $el ms"
expect_file_eq out b.ndjson
exit 0
