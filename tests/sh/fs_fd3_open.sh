# With fd 3 open, stages that do not name it still run at the same time.
exec 3>&1
while :; do echo y; done | head -1
f() { while :; do echo z; done; }
f | head -1
fd=3
{ eval 'echo "eval to $fd" >&'$fd; } | cat
{ echo "to 3" >&3; } | cat
g() { echo "g to 3" >&3; }
g | cat
exec 3>&-
