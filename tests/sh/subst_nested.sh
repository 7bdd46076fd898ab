echo $(echo $(echo $(echo deep)))
echo "$(echo "$(echo "inner quoted")")"
