# e2e: a broker of the hub goes down mid-run and comes back.  The running
# pipeline (and the producer) ride it out: every event the rules select
# reaches its spoke, every invalid one its dead-letter file, none twice.
need kcat jq zstd
. "$HS_TESTS/cli/e2e/pipe.sh"
kafka_start --brokers 3 --topic media:6 --topic spoke.player:3 || fail "no mock cluster"
e2e_gen 1600
e2e_want
head -n 800 source.ndjson >first
tail -n 800 source.ndjson >second
e2e_pipe_script p grp
sed -i 's/^{ trap : TERM INT; hs-consume \(.*\) 2>consume.err; echo \$? >consume.rc; }/{ trap : TERM INT; hs-consume \1 2>consume.err \& echo $! >consume.pid; wait $!; echo $? >consume.rc; }/' p/run
grep -q consume.pid p/run || fail "could not edit the pipeline script"
sh p/run &
pipe=$!
hs_on_exit "kill $pipe"
archived() { zstd -dcq p/archive/*.zst 2>/dev/null | wc -l | tr -d ' '; }
e2e_publish first || fail "publish first half"
wait_for 30 sh -c "[ \$(zstd -dcq p/archive/*.zst 2>/dev/null | wc -l) -gt 100 ]" ||
	fail "pipeline delivered nothing: $(cat p/*.err)"
kafka_ctl down 2 || fail "down"
n0=$(archived)
e2e_publish second &
pub=$!
# The outage lasts until the pipeline has archived 100 more events with
# broker 2 down: it runs through it on the partitions the others lead.
wait_for 60 sh -c "[ \$(zstd -dcq p/archive/*.zst 2>/dev/null | wc -l) -ge $((n0 + 100)) ]" ||
	fail "nothing archived during the outage: $(archived) of $n0 + 100"
kafka_ctl up 2 || fail "up"
wait $pub || fail "publish second half"
all() { [ "$(archived)" -ge "$(count_lines want.archive)" ]; }
wait_for 60 all || fail "archive has $(archived) of $(count_lines want.archive)"
schema() { jq -r 'select(.reason == "schema") | .event.id' p/dlq.ndjson | sort -u; }
dead() { schema | cmp -s - want.schema; }
wait_for 20 dead || : # compared below
kill -TERM "$(cat p/consume.pid)"
wait $pipe
expect_eq "hs-consume exit" "$(cat p/consume.rc)" 143
expect_eq "hs-fanout exit" "$(cat p/fanout.rc)" 0
e2e_ids p/archive/*.zst >got.all
sort -u got.all >got.archive
expect_file_eq got.archive want.archive
expect_eq "duplicates" "$(count_lines got.all)" "$(count_lines got.archive)"
schema >got.schema
expect_file_eq got.schema want.schema
