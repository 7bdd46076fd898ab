f1() { f2; }
f2() { f3; }
f3() { f4; }
f4() { if true; then while true; do for i in x; do case $i in x) echo deep; esac; done; break; done; fi; }
f1
