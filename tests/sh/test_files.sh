touch f
mkdir d
echo content > s
[ -e f ] && echo e
[ -f f ] && echo f
[ -d d ] && echo d
[ -f d ] || echo not-f
[ -s s ] && echo s
[ -s f ] || echo empty
[ -r f ] && echo r
[ -w f ] && echo w
[ -e nope ] || echo no-e
