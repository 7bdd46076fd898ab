# set -e inside a stage ends that stage only.
{ set -e; echo one; false; echo two; } | cat
echo "after $?"
set -e
{ echo in-stage; false; echo not-reached; } | cat
false | true
echo "still here"
f() { echo f1; false; echo f2; }
f | cat
echo end
