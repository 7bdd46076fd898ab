case z in a) echo a;; b) echo b;; esac
echo "status $?"
case y in
	y)
		echo multi
		echo line
		;;
esac
