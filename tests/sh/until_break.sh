until false; do echo once; break; done
