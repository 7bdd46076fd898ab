echo 'single $x "q"' "double \$x 'q'" back\ slash
echo "a\\b" 'a\\b' a\\b
echo "tab	in" 'x''y' "p"'q'r
echo \"\'
