# A target URI of no known scheme is refused when the rules are read
# (exit 2), naming every scheme the kinds table knows, in its order; the
# message is built from that table, so this pins it byte for byte.
printf '%s\n' '{"id":"1","source":"s"}' >in
printf '[{"name":"r","pattern":{"id":[{"exists":true}]},"targets":["%s"]}]' 'nope:x' >rules.json
expect_exit 2 hs-fanout --rules rules.json in 2>err
expect_eq "message" "$(cat err)" "hs-fanout: rule 'r': target 'nope:x': unknown target 'nope:x' (want -, file:, exec:, http://, https://, kafka://, eventbridge:// or arn:aws:events:)"
# a prefix of a scheme is not that scheme, and "-" only matches whole
for uri in 'file' 'http:/x' '-x'; do
	printf '[{"name":"r","pattern":{"id":[{"exists":true}]},"targets":["%s"]}]' "$uri" >rules.json
	expect_exit 2 hs-fanout --rules rules.json in 2>err
	expect_grep "unknown target '$uri'" err
done
