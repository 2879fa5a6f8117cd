# --explain=FILE names, per event, the rules that matched and the fields
# that decided.
printf '%s\n' '{"source":"a","detail":{"n":7}}' '{"source":"b"}' >in
hs-fanout --explain=ex.ndjson --pattern '{"source":["a"],"detail":{"n":[{"numeric":[">",5]}]}}' in >out
expect_eq "lines" "$(count_lines ex.ndjson)" 2
expect_grep '"line":1,"matched":\[{"rule":"pattern","fields":\[{"field":"source","test":\["a"\]},{"field":"detail.n","test":\[{"numeric":\[">",5\]}\]}\]}\]' ex.ndjson
expect_grep '"line":2,"matched":\[\]' ex.ndjson
