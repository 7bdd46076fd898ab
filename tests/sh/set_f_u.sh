set -f
echo *
set +f
set -u
echo ${unset_x-default}
