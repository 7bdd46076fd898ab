eval false
echo $?
eval
echo $?
eval 'exit 4' ; echo never
