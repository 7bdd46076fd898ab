n=0
while [ $((n*n)) -lt 50 ]; do n=$((n+1)); done
echo $n
for i in $(( 1 + 1 )) $((3)); do echo $i; done
