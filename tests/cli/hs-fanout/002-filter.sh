# Filter mode writes exactly the matching lines, byte-identical and in
# order (odd spacing, escapes and big numbers included); --invert the
# others; counts add up.
cat >in <<'X'
{"source":"aws.ec2","detail":{"state":"running","n":12345678901234567890}}
{ "source" : "aws.s3" , "detail" : { "state" : "running" } }
{"source":"aws.ec2","detail":{"state":"stopped"}}
{"source":"aws.ec2",   "detail":{"state":"run\u006eing","x":1.50}}
X
hs-fanout --stats --pattern '{"source":["aws.ec2"],"detail":{"state":["running"]}}' in >out 2>err
sed -n '1p;4p' in >want
expect_file_eq out want
expect_grep 'in=4 out=2 dlq=0 filtered=2' err
hs-fanout --invert --pattern '{"source":["aws.ec2"],"detail":{"state":["running"]}}' <in >out
sed -n '2p;3p' in >want
expect_file_eq out want
# @FILE and a missing final newline
printf '{"source":["aws.s3"]}' >p.json
printf '{"source":"aws.s3"}' | hs-fanout --pattern @p.json >out
expect_eq "last line without newline" "$(cat out)" '{"source":"aws.s3"}'
# empty input
: | hs-fanout --pattern @p.json >out || fail "empty input failed"
[ ! -s out ] || fail "output from empty input"
