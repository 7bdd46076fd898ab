x="a b"
echo "${x:+"quoted $x"}"
echo ${x:+"q"}
y=
echo "[${y:-"default value"}]"
