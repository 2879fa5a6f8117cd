# Event fields in file target paths: {source}, {detail-type}, {account},
# {region}, {id}, {time:FORMAT} split events into files, each value
# sanitized (bytes outside [A-Za-z0-9._-] and a leading dot become '_',
# empty or missing is _none, 64 bytes at most) so no event can name a
# path outside the target's directory; exec: commands never take event
# data; at most max-open files are open at once (LRU); --stats counts
# add up; an unknown field is refused.
need jq
mkdir -p w/spool
cd w
cat >rules.json <<'X2'
[{"name":"all","pattern":{"k":[1]},
  "targets":["file:spool/{source}/{detail-type}.ndjson",
             "file:spool/day-{time:%Y-%m-%d}-{account}.ndjson",
             "exec:tee -a exec-{source}.txt"]}]
X2
long=$(printf 'x%.0s' $(seq 1 100))
cat >in <<X2
{"k":1,"source":"aws.ec2","detail-type":"EC2 State","account":"1","time":"2026-11-26T06:09:52Z"}
{"k":1,"source":"../../escape","detail-type":"..","account":"..","time":"2026-11-27T00:00:00Z"}
{"k":1,"source":"/etc/passwd","detail-type":"/","account":"/","time":"../../x"}
{"k":1,"source":"","detail-type":null,"account":{"a":"/"},"time":7}
{"k":1,"source":".","detail-type":".hidden","account":"a%n%s%d","time":"2026-11-28T01:00:00+02:00"}
{"k":1,"source":"a\\u0000b\\nc\\u00e9","detail-type":"%Y","account":"~","time":"2026-11-28"}
{"k":1,"source":"aws.ec2","detail-type":"EC2 State","account":"1","time":"2026-11-26T23:59:59Z"}
{"k":1,"source":"$long","detail-type":"t","account":2,"time":"2026-11-26T00:00:00.123Z"}
{"k":1,"detail-type":"no source","account":true}
X2
touch out err
touch ../before ../after
(cd .. && find . ! -type d) | sort >../before
hs-fanout --stats --rules rules.json in >out 2>err || fail "exit $?: $(cat err)"
# nothing new outside spool/ but the exec child's file
(cd .. && find . ! -type d ! -path './w/spool/*') | sort >../after
comm -13 ../before ../after >new
printf '%s\n' './w/exec-{source}.txt' >want
expect_file_eq new want
find spool -type f | sort >got
cat >want <<X2
spool/_/_hidden.ndjson
spool/_._.._escape/_..ndjson
spool/_etc_passwd/_.ndjson
spool/_none/_none.ndjson
spool/_none/no_source.ndjson
spool/a_b_c__/_Y.ndjson
spool/aws.ec2/EC2_State.ndjson
spool/day-2026-11-26-1.ndjson
spool/day-2026-11-26-2.ndjson
spool/day-2026-11-27-_..ndjson
spool/day-2026-11-27-a_n_s_d.ndjson
spool/day-_none-_.ndjson
spool/day-_none-_none.ndjson
spool/day-_none-true.ndjson
spool/$(printf 'x%.0s' $(seq 1 64))/t.ndjson
X2
sort want >want.s
expect_file_eq got want.s
# each file holds its events, in order, byte for byte
grep '"aws.ec2"' in >want
expect_file_eq spool/aws.ec2/EC2_State.ndjson want
sed -n 2p in >want
expect_file_eq 'spool/_._.._escape/_..ndjson' want
grep '"account":"1"' in >want
expect_file_eq spool/day-2026-11-26-1.ndjson want
# exec: the command is the rules file's, never event data
expect_file_eq 'exec-{source}.txt' in
# counts: every event in exactly one file of each target
expect_eq "events in files" "$(cat spool/day-* | wc -l | tr -d ' ')" 9
expect_eq "events in files" "$(find spool -mindepth 2 -type f -exec cat {} + | wc -l | tr -d ' ')" 9
expect_grep 'in=9 out=9 dlq=0 filtered=0' err
expect_grep 'target:file:spool/{source}/{detail-type}.ndjson=9/9/0' err
expect_grep 'target:file:spool/day-{time:%Y-%m-%d}-{account}.ndjson=9/9/0' err

# per-source split against jq, with at most max-open=3 files open while
# 10 sources arrive in turn, each file rotated on its own size
cat >split.json <<'X2'
[{"name":"s","pattern":{"source":[{"prefix":"src"}]},
  "targets":["file:split/{source}-%H%M%S.ndjson?max-open=3&rotate-size=2000"]}]
X2
awk 'BEGIN { for (i = 0; i < 400; i++) printf "{\"source\":\"src%d\",\"n\":%d}\n", (i * 7) % 10, i }' >many
mkfifo fifo
hs-fanout --stats --rules split.json fifo 2>err2 &
pid=$!
exec 3>fifo
cat many >&3
# every source has a file: the reader is done with the 400 events
wait_for 10 sh -c "[ \$(ls split | sed 's/-.*//' | sort -u | wc -l) = 10 ]" ||
	fail "not all sources written: $(ls split)"
sleep 0.3
nopen=$(ls -l /proc/$pid/fd 2>/dev/null | grep -c '/split/') || :
exec 3>&-
wait $pid || fail "split: exit $?: $(cat err2)"
[ "$nopen" -ge 1 ] && [ "$nopen" -le 3 ] ||
	fail "$nopen files open, want 1 to 3 (max-open=3)"
for s in 0 1 2 3 4 5 6 7 8 9; do
	jq -c "select(.source == \"src$s\")" many >want
	ls split/src$s-* | sort | xargs cat >got
	expect_file_eq got want
done
expect_grep 'target:file:split/{source}-%H%M%S.ndjson?max-open=3&rotate-size=2000=400/400/0' err2

# rotation per file: rotate-size=1 starts a new file (named by the
# second) after each write, so each source has one file per burst
cat >rot.json <<'X2'
[{"name":"r","pattern":{"source":[{"prefix":"s"}]},
  "targets":["file:rot/{source}-%s.ndjson?rotate-size=1"]}]
X2
mkdir rot
mkfifo fifo2
hs-fanout --rules rot.json fifo2 2>err3 &
pid=$!
exec 4>fifo2
printf '%s\n' '{"source":"s1","n":1}' '{"source":"s2","n":2}' >&4
wait_for 10 sh -c '[ $(ls rot | wc -l) = 2 ]' || fail "first burst: $(ls rot)"
# the next burst comes in a later second than the first burst's files
last=$(ls rot | sed 's/.*-\([0-9]*\)\.ndjson$/\1/' | sort -n | tail -n 1)
wait_for 5 sh -c "[ \$(date +%s) -gt $last ]" || fail "the clock stands at $last"
printf '%s\n' '{"source":"s1","n":3}' '{"source":"s2","n":4}' >&4
exec 4>&-
wait $pid || fail "rotation: exit $?: $(cat err3)"
expect_eq "s1 files" "$(ls rot/s1-* | wc -l | tr -d ' ')" 2
expect_eq "s2 files" "$(ls rot/s2-* | wc -l | tr -d ' ')" 2
expect_eq "s2 lines" "$(ls rot/s2-* | sort | xargs cat | tr -d '\n')" \
	'{"source":"s2","n":2}{"source":"s2","n":4}'

# an unknown field, a typo, is refused
printf '[{"name":"x","pattern":{"a":[1]},"targets":["file:{sorce}.ndjson"]}]' >bad.json
expect_exit 2 hs-fanout --rules bad.json in 2>err
expect_grep "unknown field '{sorce}' in a file path" err
