printf 'first\n' > a
printf 'second\n' > b
cat a b
cat a - b <<EOF
middle
EOF
