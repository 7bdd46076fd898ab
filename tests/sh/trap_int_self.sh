# A trapped SIGINT sent to the shell itself runs the action; the script goes on.
trap 'echo got INT' INT
kill -INT $$
echo after
trap
