f() { echo fout; echo ferr >&2; }
f > fo 2> fe
cat fo fe
