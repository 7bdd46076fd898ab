printf 'k1:v1:rest:more\n' > in
IFS=: read k v r < in
echo "$k $v [$r]"
printf '  lead  trail  \n' > in2
read l < in2
echo "[$l]"
IFS= read l < in2
echo "[$l]"
