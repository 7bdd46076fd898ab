# break, continue, return, local, exit, unset and export inside a stage
# or a background job end or stay there, as in a dash subshell.
f() { { local z=1; echo "z=$z"; } | cat; }
f
for i in 1 2 3; do { echo "i=$i"; break; } | cat; done
for i in 1 2; do { continue; echo no; } | cat; echo "after $i"; done
g() { { return 3; echo no; } | cat; echo "g continues $?"; { echo x; return 4; } | { read a; return 5; }; echo "g after $?"; }
g; echo "g status $?"
h() { echo h; }
{ unset -f h; } | cat
h
{ exit 7; } & wait $!; echo "bg exit $?"
{ set -- a b; shift; echo "$@"; } | cat; echo "$#"
readonly ro=1
{ unset ro; } 2>&1 | cat
{ export newvar=1; } | cat; echo "newvar=${newvar-unset}"
