# trap lists in signal order; '-', a lone signal and numbers reset.
trap 'echo t' TERM HUP
trap '' INT
trap 'echo bye' EXIT
trap
echo ---
trap - TERM
trap INT
trap
echo ---
trap 'echo two' 2 15
trap
trap 1 2 15
echo ---
trap
trap - EXIT
