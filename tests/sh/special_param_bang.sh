sleep 0 &
pid=$!
[ -n "$pid" ] && echo have-pid
wait $pid
echo "wait $?"
