command echo via-command
f() { echo function; }
echo() { printf 'wrapped: %s\n' "$*"; }
echo test
command echo real
unset -f echo
command -v cd
command -v f
command -v nosuch_cmd || echo "not found $?"
