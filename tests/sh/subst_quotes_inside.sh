echo "$(echo 'single " inside')"
echo "$(echo "a\"b")"
echo $(echo "it's")
