# Corral build. `make` builds build/corral.elf and build/corral.iso;
# `make run` boots the shell; `make test` runs every suite. Both install
# missing Debian packages first (scripts/install-deps).

CPUS ?= 4
NODES ?= 2
MEM ?= 1024
export CPUS NODES MEM

B := build
CC := gcc
LD := ld

KDIRS := arch kernel mm fs lib
# arch/x86/compressed/ is the boot stub of the compressed ISO kernel: 32-bit,
# built by scripts/pack-kernel, not part of the kernel.
KSRC := $(filter-out arch/x86/compressed/%,$(shell find $(KDIRS) -name '*.c' -o -name '*.S' 2>/dev/null | sort))
KOBJ := $(patsubst %,$(B)/%.o,$(KSRC))

# -Wmissing-prototypes: every function the kernel exports, hooks included,
# is declared in a header that its definition sees (so a misspelt hook is
# a compile error); scripts/check-hooks refuses weak definitions.
KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wmissing-prototypes -ffreestanding \
	-fno-stack-protector -fno-pie -fno-pic -mno-red-zone -mcmodel=kernel \
	-mno-sse -mno-mmx -mno-80387 -mgeneral-regs-only \
	--param=min-pagesize=0 -fno-omit-frame-pointer -fno-strict-aliasing \
	-fno-asynchronous-unwind-tables -I. -MMD -MP
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T linker.ld

.PHONY: all iso run test ktest e2e bench qemu-gdb clean deps boottime torture grade labs-check lab-start
all: $(B)/corral.elf $(B)/corral.iso

deps:
	@scripts/install-deps

$(B)/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC   $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

# gcc emits memcpy/memset calls for loops; the string functions must not.
$(B)/lib/string.c.o: KCFLAGS += -fno-tree-loop-distribute-patterns

# Unit tests run once per boot of `ktest`: small beats fast (the image is
# read through the BIOS on every ISO boot).
$(B)/%_test.c.o: KCFLAGS += -Os

# Apps, user/libc and newlib (USER_OBJ, NEWLIB_LIBS).
include user/user.mk

$(B)/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS   $<"
	@$(CC) $(KCFLAGS) -D__ASSEMBLER__ -c $< -o $@

# Two links: the first with an empty symbol table, the second with the
# table generated from the first. .ksyms is the last loaded section, so
# function addresses are the same in both.
$(B)/ksyms0.S: scripts/ksyms
	@mkdir -p $(B)
	scripts/ksyms > $@
$(B)/ksyms0.o: $(B)/ksyms0.S
	$(CC) -c $< -o $@
# The list of objects is a prerequisite of the links, rewritten only when it
# changes: a deleted source file (a *_test.c, say) relinks without it.
OBJLIST := $(B)/objects.list
$(shell mkdir -p $(B) && echo '$(KOBJ) $(USER_OBJ)' > $(OBJLIST).new && \
	(cmp -s $(OBJLIST).new $(OBJLIST) || mv $(OBJLIST).new $(OBJLIST)); \
	rm -f $(OBJLIST).new)

$(B)/corral.pass1.elf: $(KOBJ) $(USER_OBJ) $(NEWLIB_LIBS) $(B)/ksyms0.o linker.ld $(OBJLIST) \
		scripts/check-hooks
	@scripts/check-hooks $(KOBJ)
	@echo "  LD   $@"
	@$(LD) $(LDFLAGS) -o $@ $(KOBJ) $(USER_OBJ) $(B)/ksyms0.o $(NEWLIB_LINK)
$(B)/ksyms.S: $(B)/corral.pass1.elf scripts/ksyms
	scripts/ksyms $< > $@
$(B)/ksyms.o: $(B)/ksyms.S
	$(CC) -c $< -o $@
$(B)/corral.elf: $(KOBJ) $(USER_OBJ) $(NEWLIB_LIBS) $(B)/ksyms.o linker.ld $(OBJLIST)
	@echo "  LD   $@"
	@$(LD) $(LDFLAGS) -o $@ $(KOBJ) $(USER_OBJ) $(B)/ksyms.o $(NEWLIB_LINK)
	@nm $@ | grep -q ' T kmain' || (echo "link: kmain missing" && false)

iso: $(B)/corral.iso
$(B)/corral.iso: $(B)/corral.elf scripts/mkiso scripts/pack-kernel scripts/lz4pack.c lib/lz4.c lib/checksum.c \
		arch/x86/compressed/head.S arch/x86/compressed/linker.ld
	scripts/mkiso "" $@

# run, test and bench install packages first, then build in a second make:
# user/user.mk looks for newlib's source when make reads it, which is before
# install-deps could have installed it.
run: deps
	@$(MAKE) --no-print-directory all
	scripts/qemu --interactive --cpus $(CPUS) --nodes $(NODES) --mem $(MEM) --iso

qemu-gdb: all
	scripts/qemu --interactive --cpus $(CPUS) --nodes $(NODES) --mem $(MEM) -- -s -S

# The in-kernel suite on several topologies, a minute of the torture suite
# (4 CPUs, 2 nodes; seed TEST_SEED, which once found a miscount, unless
# SEED= is given), then the end-to-end tests.
TEST_SEED ?= 205406239
test: deps
	@$(MAKE) --no-print-directory all
	scripts/ktest-run --iso --cpus 4 --nodes 2 --mem 1024
	scripts/ktest-run --kernel --cpus 1 --nodes 1 --mem 256
	scripts/ktest-run --kernel --cpus 4 --nodes 4 --mem 1024
	scripts/torture --duration 60 --seed $(or $(SEED),$(TEST_SEED)) --cpus 4 --nodes 2 --mem 1024
	python3 tests/run.py

ktest: all
	scripts/ktest-run --cpus $(CPUS) --nodes $(NODES) --mem $(MEM)

e2e: all
	python3 tests/run.py $(T)

# The KBENCH and app figures as a `name value unit` table, then boot to prompt.
bench: deps
	@$(MAKE) --no-print-directory all
	scripts/bench $(P) -- --cpus $(CPUS) --nodes $(NODES) --mem $(MEM)

# The container torture suite (kernel/torture.c): DURATION seconds, SEED=
# repeats a run's choices, NOTOP=1 leaves the hierarchies' tops alone.
DURATION ?= 300
torture: all
	scripts/torture --duration $(DURATION) $(if $(SEED),--seed $(SEED)) $(if $(NOTOP),--notop) \
		--cpus $(CPUS) --nodes $(NODES) --mem $(MEM)

# Labs (labs/README.md): `make grade LAB=freezer` grades this tree in a
# scratch copy (build/labs/freezer), SOLUTION=1 with the reference solution;
# `make lab-start LAB=freezer` puts the lab's starting point in this tree;
# `make labs-check`: every grader gives less than full marks without its
# solution and full marks with it.
grade: all
	@python3 labs/grade.py $(LAB) $(if $(SOLUTION),--solution)
lab-start:
	@labs/lab-start $(LAB)
labs-check: all
	@python3 labs/grade.py --check

boottime: all
	scripts/boottime 5

clean:
	rm -rf $(B)

-include $(KOBJ:.o=.d)
