set -- a b c
f() { echo "f: $# $*"; set -- x; echo "f2: $*"; }
f 1 2
echo "main: $# $*"
