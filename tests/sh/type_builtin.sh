type cd
type if
type f 2>&1
g() { :; }
type g
type nosuch_zz
echo "s=$?"
