for i in; do :; done; echo "for $?"
while false; do :; done; echo "while $?"
false; for i in 1; do true; done; echo "for-body $?"
