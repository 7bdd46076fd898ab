set -e
echo "$-" | grep -q e && echo has-e
set +e
echo "$-" | grep -q e || echo no-e
