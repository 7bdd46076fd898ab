sleep 0 &
wait
echo "waited $?"
true &
wait $!
echo "bg status $?"
