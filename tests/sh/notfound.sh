nosuch_command_zz
echo "s=$?"
nosuch_command_zz arg 2>/dev/null
echo "s=$?"
./nosuch_script 2>&1
echo "s=$?"
