for w in alpha beta "gamma delta"; do echo "[$w]"; done
for w in; do echo never; done
echo after
