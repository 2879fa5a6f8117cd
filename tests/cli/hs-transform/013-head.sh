# A reader that goes away (| head -n1) ends the tool quietly.
i=0
while [ $i -lt 20000 ]; do echo '{"n":1}'; i=$((i + 1)); done >in
hs-transform --threads 2 '{m: .n}' in 2>err | head -n1 >out
expect_eq "first line" "$(cat out)" '{"m":1}'
[ ! -s err ] || fail "stderr not empty: $(cat err)"
