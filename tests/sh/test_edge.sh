[ = ] && echo one-arg-eq
[ ! ] && echo bang-alone
[ -n ] && echo dash-n-alone
[ a = a ] && [ b = b ] && echo chained
