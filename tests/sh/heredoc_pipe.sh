cat <<EOF | while read a; do echo "piped $a"; done
x
y
EOF
