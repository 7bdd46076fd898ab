case a in a) ;; b) echo b;; esac
echo "s=$?"
case x in *) esac
echo done
