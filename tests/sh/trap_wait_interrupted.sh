# A trapped signal ends `wait` with 128+SIG; the action runs after it.
trap 'echo t' USR1
sleep 1 &
kill -USR1 $$
echo "before wait"
wait
echo "wait $?"
