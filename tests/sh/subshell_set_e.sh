(set -e; false; echo not-here)
echo "status $?"
echo still-running
