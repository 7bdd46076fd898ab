#!/bin/sh
# Build the shell and apps of user/ for the host, against glibc and the shim
# in user/host/corral_host.c, into one multi-call binary:
#   /tmp/corral-host/corral APP [ARG...]     (no APP: the shell)
# with AddressSanitizer and UBSan. OUT=dir overrides the output folder.
set -e
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/corral-host}
mkdir -p "$OUT/obj"
CFLAGS="-std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -DCORRAL_HOST -I.
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
objs=""
for src in user/*.c; do
	obj="$OUT/obj/$(basename "$src" .c).o"
	gcc $CFLAGS -c "$src" -o "$obj"
	# ld makes __start_/__stop_ symbols only for C-identifier section names.
	objcopy --rename-section .apps=corral_apps "$obj"
	objs="$objs $obj"
done
gcc $CFLAGS -c user/host/corral_host.c -o "$OUT/obj/corral_host.o"
gcc $CFLAGS -o "$OUT/corral" $objs "$OUT/obj/corral_host.o"
echo "built $OUT/corral"
