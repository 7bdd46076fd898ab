pat='*'
case foo in $pat) echo unquoted-pat-matches;; esac
case foo in "$pat") echo no;; *) echo quoted-pat-literal;; esac
