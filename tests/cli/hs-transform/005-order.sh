# --threads 4 keeps input order when events cost very different amounts.
i=1
while [ $i -le 400 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >in
prog='if .n % 9 == 1 then (reduce range(20000 * (.n % 5)) as $i (0; . + 1)) as $x | .n else .n end'
hs-transform --threads 4 "$prog" in >out || fail "exit $?"
seq 1 400 >want
expect_file_eq want out
# -u submits each event at once; order still holds.
hs-transform -u --threads 3 "$prog" in >out || fail "exit $?"
expect_file_eq want out
