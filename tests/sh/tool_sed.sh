printf 'pear\napple\nfig\napple\nbanana\n' > f
sed 's/p/P/' f
sed 's/a/_/g' f
sed 's/a/_/2' f
sed -n 's/fig/FIG/p' f
sed -n 2p f
sed 2d f
sed '$d' f
sed -n '$p' f
sed 2,4d f
sed -n /fig/p f
sed /apple/,/fig/d f
sed '/fig/!d' f
sed 3q f
sed -n = f
sed -e s/a/A/ -e s/e/E/ f
sed 's/a/A/;s/e/E/' f
sed 's/\(p\)\(e\)/\2\1/' f
sed -E 's/(a|e)+/<&>/g' f
sed 's/x*/-/g' f
sed 'y/abc/xyz/' f
sed '1!G;h;$!d' f
sed -n '/apple/{p;p}' f
sed 's/p\{2\}/PP/' f
sed s/a/b f; echo "status $?"
sed k f; echo "status $?"
