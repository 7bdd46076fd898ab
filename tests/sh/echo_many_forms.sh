echo
echo ""
echo "" ""
echo -n
echo -n ""; echo x
