echo hello | cat
echo a b c | { read x y z; echo "$z $y $x"; }
printf '1\n2\n3\n' | while read n; do echo "n=$n"; done
