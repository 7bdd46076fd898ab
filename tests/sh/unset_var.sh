x=1
unset x
echo "[${x-unset}]"
f() { :; }
unset -f f
type f 2>&1 | head -1
