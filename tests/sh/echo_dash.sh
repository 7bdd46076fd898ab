echo -n no-newline
echo
echo -e x
echo 'esc\tx'
echo 'a\cb'
echo "\\"
