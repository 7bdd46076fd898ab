(echo l1; (echo l2; (echo l3)))
x=1; (x=2; (x=3; echo $x); echo $x); echo $x
