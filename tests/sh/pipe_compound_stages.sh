for i in 1 2 3; do echo $i; done | while read x; do echo "<$x>"; done
{ echo g1; echo g2; } | cat
(echo s1; echo s2) | cat
