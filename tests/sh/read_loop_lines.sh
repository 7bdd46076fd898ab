printf 'one\ntwo\nthree\n' > in
n=0
while read line; do n=$((n+1)); echo "$n: $line"; done < in
