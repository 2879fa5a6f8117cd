# Output is block-buffered but flushed as soon as input goes idle, so a
# live pipeline sees each event at once.
mkfifo in
hs-validate <in >out &
pid=$!
exec 3>in
echo '{"first":1}' >&3
wait_for 3 grep -q first out || fail "first event not delivered while input stays open"
echo '{"second":1}' >&3
wait_for 3 grep -q second out || fail "second event not delivered"
exec 3>&-
wait $pid
