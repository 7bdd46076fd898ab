mkdir -p src/sub
echo one > src/f
echo two > src/sub/g
cp src/f copy; cat copy
cp -r src dst
ls -R dst
cp src x; echo "status $?"
cp nosuch x; echo "status $?"
cp; echo "status $?"
cp src/f; echo "status $?"
basename /usr/lib/x.so .so
basename /a/b/
basename -a x/y z/w
dirname /usr/lib/x.so
dirname x
dirname a/b/ //x
