set -x
echo traced
x=5
echo "$x"
set +x
echo untraced
