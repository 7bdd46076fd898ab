if false; then :; fi
echo $?
if true; then false; fi
echo $?
if ! false; then echo negated; fi
