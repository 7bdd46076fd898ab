_a=1; a_1=2; A=3
echo $_a $a_1 $A ${A}B
echo $A_undefined.
