# Rules to files: each rule's targets get exactly its events, Input,
# InputPath and the input transformer shape payloads, a .zst target holds
# zstd frames, and --stats per rule and target add up.
need zstd
cat >rules.json <<'X'
[{"name":"ec2","pattern":{"source":["aws.ec2"]},
  "targets":["file:ec2.ndjson",
             {"uri":"file:detail.ndjson","input_path":"$.detail"},
             {"uri":"file:const.ndjson","input":{"fixed":true}},
             {"uri":"file:xf.ndjson","input_transformer":{
                "input_paths_map":{"s":"$.detail.state"},
                "input_template":"{\"state\": <s>}"}}]},
 {"name":"big","pattern":{"detail":{"n":[{"numeric":[">=",10]}]}},
  "targets":["file:big.ndjson.zst"]}]
X
cat >in <<'X'
{"source":"aws.ec2","detail":{"state":"a","n":1}}
{"source":"aws.s3","detail":{"state":"b","n":10}}
{"source":"aws.ec2","detail":{"state":"c","n":11.5}}
{"source":"other"}
X
hs-fanout --stats --rules rules.json in >out 2>err || fail "exit $?: $(cat err)"
[ ! -s out ] || fail "stdout not empty"
sed -n '1p;3p' in >want
expect_file_eq ec2.ndjson want
printf '%s\n' '{"state":"a","n":1}' '{"state":"c","n":11.5}' >want
expect_file_eq detail.ndjson want
printf '%s\n' '{"fixed":true}' '{"fixed":true}' >want
expect_file_eq const.ndjson want
printf '%s\n' '{"state":"a"}' '{"state":"c"}' >want
expect_file_eq xf.ndjson want
zstd -dcq big.ndjson.zst >big
sed -n '2p;3p' in >want
expect_file_eq big want
expect_grep 'in=4 out=3 dlq=0 filtered=1' err
expect_grep 'rule:ec2=2 rule:big=2' err
expect_grep 'target:file:ec2.ndjson=2/2/0' err
expect_grep 'target:file:big.ndjson.zst=2/2/0' err
# appending: a second run adds to the files
hs-fanout --rules rules.json in 2>err || fail "second run"
expect_eq "appended" "$(count_lines ec2.ndjson)" 4
