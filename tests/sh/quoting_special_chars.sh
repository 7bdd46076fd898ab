echo 'a|b;c&d>e<f(g)h'
echo "a|b;c&d>e<f(g)h"
echo a\|b\;c\&d
echo \$HOME \`x\`
