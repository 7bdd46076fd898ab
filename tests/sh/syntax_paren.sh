echo first
echo (bad)
