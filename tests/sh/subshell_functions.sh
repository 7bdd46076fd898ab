f() { echo outer-f; }
(f() { echo inner-f; }; f)
f
