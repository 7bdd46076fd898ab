f() { return 3; }
f
echo "status $?"
g() { false; }
g
echo "g $?"
h() { echo in-h; return; echo never; }
h
