# e2e: scale out.  Two pipelines in one consumer group on a 4-partition
# topic split the partitions and together deliver every event; when one
# stops, the other takes its partitions over and delivers the rest.
need kcat jq zstd setsid
. "$HS_TESTS/cli/e2e/pipe.sh"
kafka_start --brokers 3 --topic media:4 --topic spoke.player:2 || fail "no mock cluster"
e2e_gen 2000
e2e_want
head -n 1000 source.ndjson >first
tail -n 1000 source.ndjson >second
e2e_pipe_script a grp
e2e_pipe_script b grp
setsid sh a/run &
pa=$!
setsid sh b/run &
pb=$!
hs_on_exit "kill -KILL -$pa -$pb"
# Events of archived events other than probes; probe ids start "probe-".
n() { for d in "$@"; do zstd -dcq $d/archive/*.zst 2>/dev/null; done | grep -vc '"id":"probe-'; }
# The group has settled with both members once each has archived a probe:
# the member that joined last reads only after the two-member assignment.
# A round of probes: one valid player event on each of 16 asset ids (keys).
jq -c "$E2E_JQ_DEFS"' select(delivered and .source == "com.example.player")' source.ndjson |
	head -n 1 >probe.one
[ -s probe.one ] || fail "no player event to probe with"
probe() {
	jq -c '. as $e | range(10; 26) | . as $i | $e | .id = "probe-\($i)" |
		.detail.assetId = "a9000\($i)"' probe.one >probes
	e2e_publish probes || return 1
	zstd -dcq a/archive/*.zst 2>/dev/null | grep -q '"id":"probe-' &&
		zstd -dcq b/archive/*.zst 2>/dev/null | grep -q '"id":"probe-'
}
wait_for 60 probe || fail "the group did not settle"
e2e_publish first || fail "publish"
half=$(sed -n '1,1000p' source.ndjson | jq -c "$E2E_JQ_DEFS"' select(delivered)' | wc -l | tr -d ' ')
halfway() { [ "$(n a b)" -ge "$half" ]; }
wait_for 30 halfway || fail "a and b delivered $(n a b) of $half"
[ "$(n a)" -gt 0 ] || fail "pipeline a got nothing"
[ "$(n b)" -gt 0 ] || fail "pipeline b got nothing"
e2e_ids a/archive/*.zst | grep -v '^probe-' | sort -u >a.first
e2e_ids b/archive/*.zst | grep -v '^probe-' | sort -u >b.first
expect_eq "events in both" "$(comm -12 a.first b.first | wc -l | tr -d ' ')" 0
echo "report: split $(count_lines a.first) / $(count_lines b.first)" >&2

kill -TERM -$pa
i=0
while kill -0 -$pa 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "a did not stop"; sleep 0.1
done
before=$(n b)
e2e_publish second || fail "publish"
total() { [ $(($(n a) + $(n b))) -ge "$(count_lines want.archive)" ]; }
wait_for 40 total || fail "delivered $(n a) + $(n b) of $(count_lines want.archive)"
schema() { cat a/dlq.ndjson b/dlq.ndjson | jq -r 'select(.reason == "schema") | .event.id' | sort -u; }
dead() { schema | cmp -s - want.schema; }
wait_for 20 dead || : # compared below
kill -TERM -$pb
e2e_ids a/archive/*.zst b/archive/*.zst | grep -v '^probe-' >got.all
sort -u got.all >got.archive
expect_file_eq got.archive want.archive
[ $(($(n b) - before)) -ge $(($(count_lines want.archive) - half)) ] ||
	fail "b did not take over a's partitions"
schema >got.schema
expect_file_eq got.schema want.schema
