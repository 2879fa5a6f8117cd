# A file target opened on a torn tail (issue 16 item 5: a crash or a
# full disk before this run) cuts it before appending and says so once:
# a plain file back to after its last '\n', a .zst file back to the end
# of its last whole frame.  Without the cut, the first appended event
# would be glued to the torn bytes and unreadable.
. "$HS_TESTS/cli/lib.sh"
need jq zstd hs-replay

printf '[{"name":"r","pattern":{"source":["a"]},"targets":["file:p.ndjson"]},
 {"name":"z","pattern":{"source":["a"]},"targets":["file:z.ndjson.zst"]}]\n' >rules.json
awk 'BEGIN { for (i = 0; i < 5; i++)
	printf "{\"source\":\"a\",\"n\":%d}\n", i }' >in
head -n 2 in >first
tail -n 3 in >more

# the files of a first run, then torn as a crash would leave them
hs-fanout --rules rules.json first 2>err || fail "first run: $(cat err)"
printf '{"source":"a","n":' >>p.ndjson
printf '{"source":"a","n":99}\n' | zstd -q -c >frame.zst
head -c 9 frame.zst >>z.ndjson.zst
zstd -t -q z.ndjson.zst 2>/dev/null && fail "z.ndjson.zst is not torn"

hs-fanout --rules rules.json more 2>err || fail "second run: $(cat err)"
expect_eq "messages" "$(grep -c 'torn bytes' err)" 2
expect_grep "^hs-fanout: file:p.ndjson: cut 18 torn bytes at the end (a crash or a full disk)$" err
expect_grep "^hs-fanout: file:z.ndjson.zst: cut 9 torn bytes at the end (a crash or a full disk)$" err
expect_file_eq p.ndjson in
jq -c . p.ndjson >/dev/null
zstd -t -q z.ndjson.zst 2>zerr || fail "z.ndjson.zst: $(cat zerr)"
hs-replay --untimed include z.ndjson.zst >out 2>rerr || fail "hs-replay: $(cat rerr)"
expect_file_eq out in

# whole files are left as they are, without a word
hs-fanout --rules rules.json more 2>err || fail "third run: $(cat err)"
expect_no_grep "torn" err
expect_eq "plain lines" "$(count_lines p.ndjson)" 8

# a tail of zeros (what a file system may leave past a crash) is cut too
head -c 100 /dev/zero >>z.ndjson.zst
hs-fanout --rules rules.json more 2>err || fail "fourth run: $(cat err)"
expect_grep "^hs-fanout: file:z.ndjson.zst: cut 100 torn bytes" err
hs-replay --untimed include z.ndjson.zst >out 2>rerr || fail "hs-replay: $(cat rerr)"
expect_eq "zst lines" "$(count_lines out)" 11
exit 0
