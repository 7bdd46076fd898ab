x=value
cat <<EOF
x is $x
sub $(echo subst) and \$escaped and \\ back
arith $((2*21))
EOF
