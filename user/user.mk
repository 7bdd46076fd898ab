# The app runtime: newlib (built once from Debian's newlib-source behind a
# stamp), user/libc (the system-call stubs, per-task reent, locks, malloc)
# and the apps in user/*.c (not user/host/: host-side test builds).
# Included from the top Makefile; provides USER_OBJ and NEWLIB_LIBS for the
# kernel link, which takes the libraries as $(NEWLIB_LINK).
#
# Apps and the newlib side of user/libc are compiled against newlib's
# headers (plus user/libc/include for the POSIX headers newlib lacks) and
# may use SSE; user/libc/app_names.h is forced into each of them, to keep
# libc names the kernel also defines apart. The kernel side of user/libc
# (USER_KERNEL_SRC, see user/libc/kabi.h) is kernel code and uses the
# kernel's flags.

NEWLIB_TAR := $(firstword $(wildcard /usr/src/newlib/newlib-*.tar.*))
NEWLIB_DIR := $(B)/newlib
NEWLIB_PREFIX := $(abspath $(NEWLIB_DIR))
NEWLIB_STAMP := $(NEWLIB_DIR)/.stamp
NEWLIB_INC := $(NEWLIB_DIR)/x86_64-elf/include
NEWLIB_LIBS := $(NEWLIB_DIR)/x86_64-elf/lib/libc.a \
	$(NEWLIB_DIR)/x86_64-elf/lib/libm.a
NEWLIB_LINK := --start-group $(NEWLIB_LIBS) --end-group

NEWLIB_CFLAGS := -O2 -ffreestanding -mno-red-zone -fno-stack-protector \
	-mcmodel=kernel -fno-pie -fno-pic -UMISSING_SYSCALL_NAMES \
	-D__DYNAMIC_REENT__

# Configure and build only the newlib target library (about 4 minutes on
# two cores), then install headers and libraries under $(NEWLIB_DIR).
$(NEWLIB_STAMP):
	@if [ -z "$(NEWLIB_TAR)" ]; then \
		echo "newlib-source missing: run make deps"; false; fi
	@echo "  NEWLIB $(NEWLIB_TAR) (a few minutes, once)"
	@rm -rf $(NEWLIB_DIR) && mkdir -p $(NEWLIB_DIR)/src $(NEWLIB_DIR)/obj
	@tar xf $(NEWLIB_TAR) -C $(NEWLIB_DIR)/src --strip-components=1
	@cd $(NEWLIB_DIR)/obj && ../src/configure --prefix=$(NEWLIB_PREFIX) \
		--target=x86_64-elf --disable-multilib --disable-nls \
		--enable-newlib-io-long-long --enable-newlib-io-c99-formats \
		--enable-newlib-retargetable-locking \
		CC_FOR_TARGET=gcc AR_FOR_TARGET=ar AS_FOR_TARGET=as \
		RANLIB_FOR_TARGET=ranlib LD_FOR_TARGET=ld NM_FOR_TARGET=nm \
		OBJDUMP_FOR_TARGET=objdump STRIP_FOR_TARGET=strip \
		READELF_FOR_TARGET=readelf \
		CFLAGS_FOR_TARGET='$(NEWLIB_CFLAGS)' \
		> ../configure.log 2>&1 || (tail -30 ../configure.log; false)
	@$(MAKE) -C $(NEWLIB_DIR)/obj -j$$(nproc) all-target-newlib \
		> $(NEWLIB_DIR)/build.log 2>&1 \
		|| (tail -40 $(NEWLIB_DIR)/build.log; false)
	@$(MAKE) -C $(NEWLIB_DIR)/obj install-target-newlib \
		> $(NEWLIB_DIR)/install.log 2>&1 \
		|| (tail -40 $(NEWLIB_DIR)/install.log; false)
	@rm -rf $(NEWLIB_DIR)/src $(NEWLIB_DIR)/obj
	@touch $@

$(NEWLIB_LIBS): $(NEWLIB_STAMP)

USER_SRC := $(sort $(wildcard user/*.c user/libc/*.c))
USER_OBJ := $(patsubst %,$(B)/%.o,$(USER_SRC))
USER_KERNEL_SRC := user/libc/kabi.c user/libc/locks.c

UCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-fno-stack-protector -fno-pie -fno-pic -mno-red-zone -mcmodel=kernel \
	-fno-omit-frame-pointer -D__DYNAMIC_REENT__ \
	-isystem $(NEWLIB_INC) -isystem user/libc/include -I. -MMD -MP \
	-include user/libc/app_names.h

$(B)/user/%.c.o: user/%.c $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC   $<"
	@$(CC) $(UCFLAGS) -c $< -o $@

$(patsubst %,$(B)/%.o,$(USER_KERNEL_SRC)): $(B)/user/%.c.o: user/%.c
	@mkdir -p $(dir $@)
	@echo "  CC   $< (kernel side)"
	@$(CC) $(KCFLAGS) -c $< -o $@

-include $(USER_OBJ:.o=.d)
