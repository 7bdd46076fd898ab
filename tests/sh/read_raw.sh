printf 'a\\b c\\\nd\n' > in
read x < in
echo "[$x]"
read -r x < in
echo "[$x]"
