readonly R=1
echo $R
(R=2) 2>&1
echo "s=$?"
(unset R) 2>&1
echo "s=$?"
