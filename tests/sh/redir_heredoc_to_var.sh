x=$(cat <<EOF
captured $((3*3))
EOF
)
echo "$x"
