x=value
cat <<'EOF'
no $x expansion `here`
EOF
cat <<"EOF"
also $x literal
EOF
cat <<\EOF
backslash $x quoted
EOF
