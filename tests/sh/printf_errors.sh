printf '%d\n' abc 2>&1
echo "s=$?"
printf '%d\n' 12x 2>&1
echo "s=$?"
