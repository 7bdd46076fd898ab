set -- "a b" c "" d
for x in "$@"; do echo "at [$x]"; done
for x in "$*"; do echo "star [$x]"; done
for x in $*; do echo "unq [$x]"; done
for x in $@; do echo "unq@ [$x]"; done
