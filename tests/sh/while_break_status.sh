while true; do break; done
echo $?
i=0
while :; do i=$((i+1)); [ $i -ge 3 ] && break; done
echo $i
