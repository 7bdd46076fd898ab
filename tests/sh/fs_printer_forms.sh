# Every form of command, run by a forkshell (which gets it as text made
# by a printer of the parsed tree): the output must be as dash's.
f() { echo a & wait; }
f | cat
{ echo b & } | cat; wait
g() {
	if false; then echo no
	elif true; then echo elif-yes & fi
	wait
	for i; do echo "arg $i"; done
	for j in; do echo never; done
	until true; do echo never; done
	case "$1" in (x|y) echo "case $1" ;; *) echo other ;; esac
	! false && echo bang
	false ||
		echo "or on the next line"
	( echo sub ) > /dev/null
	{ echo redirected; } 2>&1 >&2 | cat
	echo "a quoted
newline"
	no_such_after_newline
}
g x y 2>&1 | cat
r() { echo in-r; } > /dev/null
r | cat
echo "r status $?"
h() {
	cat <<E1 | tr a-z A-Z
heredoc then pipe $1
E1
	cat <<'E2'; cat <<E3
two $1
E2
three $1
E3
}
h arg | cat
k() { printf '%s|' 'single quoted $x' "double \"q\"" back\ slash; echo; }
k | cat
