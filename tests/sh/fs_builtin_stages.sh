# Builtin stages (echo, printf) into apps and into a loop; output larger
# than a pipe holds must not block the pipeline.
echo hi | cat
printf '%s\n' a b | while read l; do echo "[$l]"; done
x=val
echo "$x" | tr a-z A-Z
printf '%s\n' $(seq 5000) | cat | { n=0; while read l; do n=$((n+1)); done; echo "$n lines"; }
printf '%s\n' $(seq 5000) | { n=0; while read l; do n=$((n+1)); done; echo "$n lines"; }
echo a | echo b | cat
d=$PWD; cd / | true; [ "$PWD" = "$d" ] && echo "cd did not leak"
echo "$(echo inner | cat)"
