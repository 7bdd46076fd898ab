set --
for x in "$@"; do echo "never $x"; done
echo "count: $#"
set -- ""
for x in "$@"; do echo "one [$x]"; done
