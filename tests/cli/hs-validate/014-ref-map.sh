# --ref-map reads referenced documents from a directory, adding .json
# when needed; relative file references and $id bases work.
mkdir -p lib/common
echo '{"$defs":{"id":{"type":"string","pattern":"^[a-z]+$"}}}' >lib/common/types.json
echo '{"type":"integer","minimum":1}' >lib/positive.json
cat >s.json <<'J'
{"$id":"https://schemas.example.com/order.json",
 "properties":{"id":{"$ref":"common/types#/$defs/id"},
  "qty":{"$ref":"https://schemas.example.com/positive"},
  "local":{"$ref":"file://PWD/local.json"}}}
J
sed -i "s|PWD|$(pwd)|" s.json
echo '{"type":"boolean"}' >local.json
printf '%s\n' '{"id":"abc","qty":2,"local":true}' '{"id":"ABC","qty":0,"local":1}' >in
expect_exit 1 hs-validate --schema s.json --ref-map https://schemas.example.com/=lib --dlq dlq in >out
expect_eq "passed" "$(count_lines out)" 1
expect_grep '"keywordLocation":"/properties/id/$ref/pattern"' dlq
expect_grep '"absoluteKeywordLocation":"https://schemas.example.com/common/types#/$defs/id/pattern"' dlq
expect_grep '"keywordLocation":"/properties/qty/$ref/minimum"' dlq
expect_grep '"keywordLocation":"/properties/local/$ref/type"' dlq
