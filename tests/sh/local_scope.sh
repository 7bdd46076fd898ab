x=g
f() { local x; x=f; g; echo "f sees $x"; }
g() { echo "g sees $x"; x=g-changed; }
f
echo "global $x"
