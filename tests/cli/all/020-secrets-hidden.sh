# hs(7): a password or token in a target's or an endpoint's URL never
# reaches --stats, a message or a dead-letter record: the userinfo
# password and the query values show as ***.  Nothing listens on port 1,
# so every event is dead-lettered with the URL in its record.
. "$HS_TESTS/cli/lib.sh"
need python3

echo '[{"name":"r","pattern":{"source":["a"]},"targets":["http://bob:s3cr3t@127.0.0.1:1/in?token=t0k3n&x=1"]}]' >rules.json
echo '{"source":"a"}' >in
hs-fanout --rules rules.json --stats --dlq dlq in 2>err && rc=0 || rc=$?
expect_eq "fanout exit (target gave up)" "$rc" 75
expect_grep 'target:http://bob:\*\*\*@127.0.0.1:1/in?token=\*\*\*&x=\*\*\*=' err
expect_grep '"uri":"http://bob:\*\*\*@127.0.0.1:1/in?token=\*\*\*&x=\*\*\*"' dlq
expect_no_grep 's3cr3t' err
expect_no_grep 's3cr3t' dlq
expect_no_grep 't0k3n' err
expect_no_grep 't0k3n' dlq

python3 -c 'import json; print(json.dumps({"source": "a", "detail": {"x": "y" * 300000}}))' >big
AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b hs-claimcheck put --store s3://bkt \
	--endpoint http://admin:s3cr3t@127.0.0.1:1 --retries 0 --stats --dlq dlq2 \
	<big >/dev/null 2>err2 && rc=0 || rc=$?
expect_eq "put exit (store unreachable)" "$rc" 75
expect_grep 'http://admin:\*\*\*@127.0.0.1:1/bkt/' dlq2
expect_no_grep 's3cr3t' err2
expect_no_grep 's3cr3t' dlq2
