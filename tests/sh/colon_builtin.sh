: this is ignored
: > created
[ -f created ] && echo created
x=${x:=assigned-by-colon}
: ${y:=default-y}
echo $x $y
