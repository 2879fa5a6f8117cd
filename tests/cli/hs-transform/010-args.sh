# jq's arguments: --arg, --argjson, --slurpfile, --rawfile, --args,
# --jsonargs, -L and -f.
echo '{"a":1}' >in
printf '1 2\n[3]\n' >slurp
printf 'raw\ntext\n' >raw
expect_eq "named" "$(hs-transform --arg s str --argjson j '{"k":[1]}' --slurpfile sl slurp --rawfile r raw '{s: $s, j: $j, sl: $sl, r: $r, named: ($ARGS.named | keys)}' in)" \
	'{"s":"str","j":{"k":[1]},"sl":[1,2,[3]],"r":"raw\ntext\n","named":["j","r","s","sl"]}'
expect_eq "--args" "$(hs-transform '$ARGS.positional' --args a b <in)" '["a","b"]'
expect_eq "--jsonargs" "$(hs-transform '$ARGS.positional' --jsonargs 1 '{"x":2}' <in)" '[1,{"x":2}]'
mkdir lib
echo 'def double: . * 2;' >lib/m.jq
expect_eq "-L module" "$(hs-transform -L lib 'import "m" as m; .a | m::double' in)" 2
printf '# a comment\n.a + 10\n' >p.jq
expect_eq "-f" "$(hs-transform -f p.jq in)" 11
