alias hi='echo hello'
hi
alias ll='echo ll-alias'
alias ll
unalias hi
alias
