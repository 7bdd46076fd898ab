printf 'c\nb\na\n' | cat | cat | cat
seq_list() { i=1; while [ $i -le $1 ]; do echo $i; i=$((i+1)); done; }
seq_list 5 | while read n; do printf '%s,' $n; done
echo
