printf 'a b c\n' > in
read x y < in
echo "[$x] [$y]"
read x < in
echo "[$x]"
read < in
echo "[$REPLY]"
