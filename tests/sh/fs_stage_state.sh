# What a stage starts with: $? $! set -x, ignored traps, aliases for eval,
# odd values, a declared but unset export, IFS, getopts' OPTIND.
{ set -x; echo hi; } 2>&1 | cat
false; { echo "status seen $?"; } | cat
true & p=$!; wait
{ [ "$!" = "$p" ] && echo "bang seen"; } | cat
trap '' INT; trap 'echo never' TERM
{ trap; } | cat
alias a1='echo alias-in-eval'
{ eval a1; } | cat
v='multi
line "quoted" $not'
{ printf '%s\n' "$v"; } | cat
export U
{ echo "U=${U-unset}"; env | grep -c '^U='; } | cat
IFS=:
{ set -- a:b:c; for x in $*; do echo "[$x]"; done; } | cat
IFS=' '
OPTIND=1
{ while getopts ab: o -a -b val; do echo "opt $o ${OPTARG-}"; done; } | cat
