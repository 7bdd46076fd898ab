true | false
echo $?
false | true
echo $?
! true | true
echo $?
