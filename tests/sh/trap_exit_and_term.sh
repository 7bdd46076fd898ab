# TERM's action runs and the script continues; EXIT's runs at the end.
trap 'echo bye' EXIT TERM
kill -TERM $$
echo cont
exit 3
