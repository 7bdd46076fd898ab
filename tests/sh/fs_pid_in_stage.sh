# $$ in a pipeline stage or a background job is the parent shell's pid.
a=$$
{ echo $$; } | { read p; [ "$p" = "$a" ] && echo "stage: same pid"; }
f() { echo $$; }
f | while read p; do [ "$p" = "$a" ] && echo "function stage: same pid"; done
{ [ $$ = "$a" ] && echo "background: same pid"; } & wait
