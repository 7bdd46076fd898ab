printf 'no newline' > in
read x < in
echo "s=$? [$x]"
read y < /dev/null
echo "s=$? [$y]"
