# Traps set in a stage or a background job run there and do not leak out.
trap 'echo parent-exit' EXIT
{ trap 'echo child-exit' EXIT; echo in-stage; } | cat
echo after-stage
{ trap 'echo bg-exit' EXIT; echo in-bg; } & wait
trap
x=1
{ x=2; trap 'echo x=$x' EXIT; } | cat
echo "x=$x"
