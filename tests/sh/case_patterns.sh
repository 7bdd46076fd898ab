case "hello.c" in *.h) echo header;; *.c) echo source;; esac
case x in (x) echo paren;; esac
case "a]b" in *]*) echo bracket;; esac
case "*" in "*") echo star-literal;; esac
case abc in a?c) echo q;; esac
case abc in [!b]*) echo notb;; esac
case abc in *[[:upper:]]*) echo upper;; *) echo noupper;; esac
