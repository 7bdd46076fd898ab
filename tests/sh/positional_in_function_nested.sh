outer() { inner "$@"; echo "outer $#"; }
inner() { echo "inner $# $*"; }
outer 1 "2 3" 4
