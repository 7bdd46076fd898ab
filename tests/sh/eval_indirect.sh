name=value
var=name
eval "echo \$$var"
eval "$var=changed"
echo $name
