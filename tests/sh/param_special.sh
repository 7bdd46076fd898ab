echo $#
set -- a b
echo $# "$*" "$@"
false
echo $?
echo "$0" | grep -c sh >/dev/null; echo ok
