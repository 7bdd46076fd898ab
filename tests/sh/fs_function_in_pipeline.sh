# Functions as pipeline stages run at the same time as the next stage.
f() { i=0; while :; do echo $i; i=$((i+1)); done; }
f | head -3
count() { n=0; while read l; do n=$((n+1)); done; echo "$n lines"; }
g() { echo "$@"; echo "$#"; }
g a "b c" d | count
set -- p q r
{ echo "$@" $#; } | cat
nested_inner() { echo nested; }
nested_outer() { nested_inner | cat; }
nested_outer | cat
h() { local v=local-value; { echo $v; } | cat; }
h
