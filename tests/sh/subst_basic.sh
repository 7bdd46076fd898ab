echo "$(echo hello)"
x=$(echo a; echo b)
echo "$x"
echo $(echo one   two)
echo "trailing[$(printf 'x\n\n\n')]"
