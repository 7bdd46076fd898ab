# $? in a trap action is the status before it; the action does not change it.
trap 'echo "in trap $?"; false' USR1
false
kill -USR1 $$
echo "after $?"
