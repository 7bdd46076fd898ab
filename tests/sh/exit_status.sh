(exit 0); echo $?
(exit 1); echo $?
(exit 255); echo $?
(exit 256); echo $?
sh_exit() { exit 9; }
(sh_exit); echo $?
