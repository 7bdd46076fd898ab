mkdir d1 d2
touch d1/f d2/g
echo */
echo d*/*
echo d1/*
