export EXPVAR=exported
NOTEXP=local
env | grep -E '^(EXPVAR|NOTEXP)='
ONE=shot env | grep '^ONE='
echo "[$ONE]"
