cat <<EOF
line one
  indented $((1+1))
EOF
echo after
