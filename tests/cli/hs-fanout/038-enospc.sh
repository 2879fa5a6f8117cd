# A file target on a file system that is really full (ENOSPC), where a
# small tmpfs can be mounted (root; skipped elsewhere: 036-full-disk
# makes the same fault with RLIMIT_FSIZE and needs no root).  The failed
# write is cut back: the file holds exactly the delivered events, each
# a whole line; once space is back, a next run appends whole lines.
. "$HS_TESTS/cli/lib.sh"
need jq

mkdir disk
mount -t tmpfs -o size=64k tmpfs disk 2>mount.err ||
	skip "cannot mount a tmpfs (not root?): $(cat mount.err)"
hs_on_exit umount "$PWD/disk"

awk 'BEGIN { for (i = 0; i < 2000; i++)
	printf "{\"source\":\"a\",\"n\":%d,\"pad\":\"%0*d\"}\n", i, 40 + i % 37, i }' >in
printf '[{"name":"r","pattern":{"source":["a"]},"targets":["file:disk/p.ndjson"]}]\n' >rules.json

rc=0
hs-fanout --rules rules.json --stats --dlq dlq in 2>err || rc=$?
[ "$rc" = 75 ] || fail "exit $rc, want 75: $(cat err)"
set -- $(sed -n 's/.*target:file:disk\/p.ndjson=\([0-9]*\)\/\([0-9]*\)\/\([0-9]*\).*/\1 \2 \3/p' err)
expect_eq "routed" "$1" 2000
[ "$3" -gt 0 ] || fail "the disk did not fill: $(cat err)"
expect_eq "delivered + dead" $(($2 + $3)) 2000
expect_eq "dead letters" "$(count_lines dlq)" "$3"
expect_eq "lines on the full disk" "$(count_lines disk/p.ndjson)" "$2"
jq -c . disk/p.ndjson >/dev/null 2>jq.err || fail "a torn line: $(cat jq.err)"
delivered=$2

mount -o remount,size=256k disk
tail -n 3 in >more
hs-fanout --rules rules.json more 2>err || fail "second run: $(cat err)"
expect_no_grep "torn" err
expect_eq "lines after the second run" "$(count_lines disk/p.ndjson)" \
	$((delivered + 3))
tail -n 3 disk/p.ndjson >got
expect_file_eq got more
jq -c . disk/p.ndjson >/dev/null
exit 0
