# exit in a stage ends the stage; readonly and set -u hold in it.
{ echo a; exit 3; echo b; } | cat
echo "status $?"
echo | { exit 4; }
echo "status $?"
readonly r=1
{ r=2; echo not-here; } | cat
echo "status $?"
{ echo "${unset_var-default}"; } | cat
umask 077
{ umask; } | cat
cd /
{ pwd; } | cat
alias echo='echo X'
{ echo aliased once; } | cat
unalias echo
exec 3>&1
{ echo to-fd-3 >&3; } | cat
{ k() { echo k; }; k; } | cat
command -v k || echo "no k here"
