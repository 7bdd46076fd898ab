# Two (or more) compound stages connected by pipes.
{ echo a; echo b; } | while read l; do echo "<$l>"; done
{ echo 1; echo 2; } | while read x; do echo $((x * 10)); done | while read y; do echo "[$y]"; done
yes_func() { while :; do echo yes; done; }
yes_func | while read l; do echo "got $l"; break; done
for w in one two; do echo $w; done | if read first; then echo "first=$first"; fi
case x in x) echo matched;; esac | { read m; echo "m=$m"; }
echo hi | read v
echo "v=[$v]"
x=1
{ x=2; echo "inner $x"; } | cat
echo "outer $x"
