#!/bin/sh
# A line over --max-event-size ends in the same dead-letter record as in
# every other tool (common/dlq through the sink): byte for byte what
# hs-validate writes for it, but for the tool name and the time; -q without
# --dlq keeps it quiet; the status and --stats count it.
. "$HS_TESTS/cli/lib.sh"

{
	echo '{"a":1,"time":"2026-01-01T00:00:00Z"}'
	printf '{"time":"2026-01-01T00:00:01Z","pad":"'
	head -c 3000 /dev/zero | tr '\0' b
	printf '"}\n'
	echo '{"b":2,"time":"2026-01-01T00:00:02Z"}'
} >in.ndjson
norm() {
	sed 's/"tool":"[^"]*"/"tool":T/; s/"time":"[^"]*"/"time":X/' "$1"
}
expect_exit 1 hs-replay --max-event-size 1K --dlq r.dlq in.ndjson >r.out
expect_exit 1 hs-validate --max-event-size 1K --dlq v.dlq in.ndjson >v.out
expect_file_eq r.out v.out
expect_eq "records" "$(count_lines r.dlq)" 1
norm r.dlq >r.norm
norm v.dlq >v.norm
expect_file_eq r.norm v.norm
expect_exit 1 hs-replay -q --stats --max-event-size 1K in.ndjson >out 2>err
expect_no_grep too_large err
expect_grep 'in=3 out=2 dlq=1 ' err
