# e2e: SIGTERM to every process of the running pipeline (as a service
# manager stops it), then a restart with the same consumer group.  No event
# is lost: each selected one is in the archive, each invalid one in the
# dead-letter file.  Duplicates stay within at-least-once bounds: only
# events the first run had read but not yet committed when it stopped.
need kcat jq zstd setsid
. "$HS_TESTS/cli/e2e/pipe.sh"
kafka_start --brokers 3 --topic media:4 --topic spoke.player:2 || fail "no mock cluster"
e2e_gen 3000
e2e_want
e2e_pipe_script p grp
setsid sh p/run &
pg=$!
hs_on_exit "kill -KILL -$pg"
# publish in slices while the pipeline runs, stop it half way
split -l 200 source.ndjson slice.
for f in slice.*; do e2e_publish $f || fail "publish $f"; sleep 0.2; done &
pub=$!
hs_on_exit "kill $pub"
archived() { zstd -dcq p/archive/*.zst 2>/dev/null | wc -l | tr -d ' '; }
wait_for 30 sh -c "[ \$(zstd -dcq p/archive/*.zst 2>/dev/null | wc -l) -gt 1000 ]" ||
	fail "pipeline delivered nothing"
kill -TERM -$pg
i=0
while kill -0 -$pg 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "the pipeline did not stop within 30 s of SIGTERM"
	sleep 0.1
done
wait $pub || fail "publish"
first=$(archived)
[ "$first" -lt "$(count_lines want.archive)" ] || skip "the first run finished before SIGTERM"
for s in consume validate transform claimcheck fanout; do
	case $(cat p/$s.rc) in 0 | 1 | 143) ;; *) fail "hs-$s exited $(cat p/$s.rc) on SIGTERM" ;; esac
done
cp p/consume.err first.consume.err
# restart in the same group (without -e: a member that joins while the
# killed one still holds partitions gets the rest only after the
# rebalance); stop it once everything the rules select has arrived
setsid sh p/run &
pg=$!
hs_on_exit "kill -KILL -$pg"
all() { [ "$(zstd -dcq p/archive/*.zst 2>/dev/null | jq -r .id | sort -u | wc -l)" -ge "$(count_lines want.archive)" ]; }
wait_for 60 all || :
kill -TERM -$pg
wait $pg || : # killed
e2e_ids p/archive/*.zst >got.all
sort -u got.all >got.archive
comm -23 want.archive got.archive >lost
[ ! -s lost ] || fail "$(count_lines lost) events lost, e.g. $(head -3 lost | tr '\n' ' ')"
expect_file_eq got.archive want.archive
jq -r 'select(.reason == "schema") | .event.id' p/dlq.ndjson | sort -u >got.schema
expect_file_eq got.schema want.schema
dups=$(($(count_lines got.all) - $(count_lines got.archive)))
echo "report: SIGTERM after $first archived events; $dups duplicates after the restart" >&2
# at-least-once: at most what the first run read past its last commit
[ "$dups" -le 2000 ] || fail "$dups duplicates"
