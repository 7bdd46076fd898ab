# An action that exits ends the script with its status.
trap 'echo caught; exit 5' TERM
kill -TERM $$
echo not reached
