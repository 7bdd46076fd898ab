i=0
while [ $i -lt 2000 ]; do echo "line number $i of the output"; i=$((i+1)); done | {
	n=0; while read l; do n=$((n+1)); done; echo "lines $n"; }
