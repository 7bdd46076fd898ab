(exec 3>f3; echo into3 >&3)
cat f3
echo hi >&3 2>/dev/null || echo "fd3 closed"
