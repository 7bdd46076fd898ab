printf 'a  b   c d\n' | { read a b; echo "[$a][$b]"; }
printf 'x,y,,z\n' | { IFS=, read a b c d; echo "[$a][$b][$c][$d]"; }
