echo 'echo sourced $1; SV=set' > lib.sh
. ./lib.sh arg
echo "$SV"
echo 'return 3; echo no' > ret.sh
. ./ret.sh
echo "s=$?"
