# trap '' INT: the shell and the commands it starts ignore SIGINT.
trap '' INT
kill -INT $$
echo "shell alive"
sleep 5 &
kill -INT $!
sleep 0.2
kill -0 $! && echo "job alive"
kill $!
