{ echo inside; } > g.out
echo outside
cat g.out
