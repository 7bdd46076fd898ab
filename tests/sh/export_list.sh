export A1=x B1='y z'
export -p | grep -E ' (A1|B1)='
readonly R1=5
readonly -p | grep R1
