n=$(printf 'a\nb\nc\n' | { c=0; while read l; do c=$((c+1)); done; echo $c; })
echo "count $n"
