. ./nosuchfile 2>&1
echo never
