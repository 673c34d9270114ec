# kmem386 build.  `make help` lists the targets.
#
# One source tree, three builds of mm/:
#   kernel  build/kernel/...  i386, freestanding, linked into build/kmem386.elf
#   host    build/host/...    the host compiler, arch/host shim, cmocka tests
#                             run under valgrind, the e820 tool
#   bench   build/bench/...   the host build at -O2 without debug hooks
#   fuzz    build/fuzz/...    clang + libFuzzer + ASan/UBSan
#   tsan    build/tsan/...    clang + ThreadSanitizer: the threaded tests

BUILD    ?= build
MEM      ?= 128M
CPU      ?= qemu32
CMDLINE  ?=
VGA      ?= 0
FUZZ_SECONDS ?= 20
PYTEST   ?= /usr/bin/python3 -m pytest
# Two QEMU boots at a time: one per core (pytest-xdist).
PYTEST_JOBS ?= 2
PYTEST_ARGS ?=
# make test-soak: minutes of soak on each memory size (tests/qemu/test_soak.py)
MINUTES  ?= 10

# --- toolchains ------------------------------------------------------------
KCC      := gcc
KCFLAGS  := -m32 -march=i386 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
            -nostdlib -fno-builtin-malloc -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
            -mno-sse -mno-mmx -mno-80387 -mno-red-zone \
            -O2 -g -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iarch/i386 -Ikernel \
            -DMM_KERNEL
KASFLAGS := -f elf32 -g -F dwarf
KLDFLAGS := -m elf_i386 -nostdlib -T arch/i386/linker.ld -z noexecstack -z max-page-size=0x1000
NASM     := nasm
LIBGCC   := $(shell $(KCC) -m32 -print-libgcc-file-name)

HOSTCC   := gcc
HCFLAGS  := -O1 -g -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iarch/host \
            -DMM_HOST -DMM_VALGRIND -DMM_DEBUG=1
BCFLAGS  := -O2 -g -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iarch/host \
            -DMM_HOST -DNDEBUG
FUZZCC   := clang
FCFLAGS  := -O1 -g -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iarch/host \
            -DMM_HOST -DMM_DEBUG=1 \
            -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined

TSANCC   := clang
TCFLAGS  := -O1 -g -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iarch/host \
            -DMM_HOST -DMM_DEBUG=1 -fsanitize=thread
# Operations per thread of test_smp_mm under ThreadSanitizer.
TSAN_OPS ?= 20000

VALGRIND := valgrind --quiet --error-exitcode=1 --leak-check=full \
            --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible

# --- sources ---------------------------------------------------------------
MM_SRCS     := $(wildcard mm/*.c)
KARCH_C     := $(wildcard arch/i386/*.c)
KARCH_ASM   := $(wildcard arch/i386/*.asm)
KERNEL_C    := $(wildcard kernel/*.c) $(wildcard lib/*.c)
HOSTARCH_C  := $(wildcard arch/host/*.c)
# i386 firmware-table readers and IO-APIC routing arithmetic: pure, so the
# host tests build them too.
FWTABLE_C   := arch/i386/smp_tables.c arch/i386/acpi.c arch/i386/mptable.c \
               arch/i386/ioapic_route.c
HOST_TESTS  := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_*.c))
FUZZERS     := $(patsubst tests/host/%.c,$(BUILD)/fuzz/%,$(wildcard tests/host/fuzz_*.c))
USER_PROGS  := $(patsubst user/%.c,%,$(filter-out user/ulib.c,$(wildcard user/*.c)))

KOBJS := $(patsubst %.asm,$(BUILD)/kernel/%.o,$(KARCH_ASM)) \
         $(patsubst %.c,$(BUILD)/kernel/%.o,$(KARCH_C) $(KERNEL_C) $(MM_SRCS))
HOBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(MM_SRCS) $(HOSTARCH_C) $(FWTABLE_C))
BOBJS := $(patsubst %.c,$(BUILD)/bench/obj/%.o,$(MM_SRCS) $(HOSTARCH_C))
TOBJS := $(patsubst %.c,$(BUILD)/tsan/obj/%.o,$(MM_SRCS) $(HOSTARCH_C))
TSAN_TESTS := $(BUILD)/tsan/test_smp_mm $(BUILD)/tsan/test_lockdebug
FOBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(MM_SRCS) $(HOSTARCH_C) $(FWTABLE_C))

# User programs (ring 3), embedded in the kernel: see user/user.mk.
include user/user.mk

.PHONY: all iso run debug test test-host test-fuzz test-tsan test-qemu bench bench-callgrind \
        bench-mca bench-qemu bench-peers bench-decisions bench-threads test-soak clean deps \
        compile_commands help host tools lint

all: $(BUILD)/kmem386.elf host

help:
	@echo "make            kernel ELF + host tools and tests"
	@echo "make iso        $(BUILD)/kmem386.iso (GRUB, BIOS boot)"
	@echo "make run        boot in QEMU, console on this terminal (MEM=, CPU=, CMDLINE=, VGA=1)"
	@echo "make debug      boot stopped for gdb on :1234 (then: gdb -x tools/gdbinit)"
	@echo "make test       lint, host tests under valgrind, fuzzers, TSan, QEMU and Bochs tests"
	@echo "make lint       cppcheck and clang-tidy over mm/"
	@echo "make test-tsan  the threaded host tests under ThreadSanitizer (TSAN_OPS=)"
	@echo "make test-soak  MINUTES=N of programs, fork bombs, OOM and stress"
	@echo "                in QEMU at 16M and 1G (make test runs one short round)"
	@echo "make bench      host benchmark; bench-callgrind, bench-qemu, bench-peers,"
	@echo "                bench-mca (llvm-mca on one traced loop iteration, AMD + Intel),"
	@echo "                bench-threads (threads as CPUs, beside glibc, jemalloc, mimalloc,"
	@echo "                tcmalloc; also run by make bench)"
	@echo "                (each rewrites its section of bench/RESULTS.md; REPS=, OPS=;"
	@echo "                make bench-decisions recopies bench/decisions.md there)"

deps:
	@tools/deps.sh

# --- kernel ----------------------------------------------------------------
$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) $(KASFLAGS) $< -o $@

# The symbol table (kernel/kallsyms.h) is linked in two passes: link with
# an empty table, list that link's text symbols into a table, link again
# with it.  The table is data placed after all text, so text does not
# move; the final link is listed again and must give the same table, or
# the build fails.
KALLSYMS := $(BUILD)/host/kallsyms
KSYMS_NM  = nm -n -f sysv $(1) | $(KALLSYMS)

$(KALLSYMS): tools/kallsyms.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HCFLAGS) -o $@ $<

$(BUILD)/kernel/kallsyms_empty.c: $(KALLSYMS)
	$(KALLSYMS) --empty > $@

$(BUILD)/kernel/kallsyms_table.c: $(BUILD)/kmem386.pass1.elf $(KALLSYMS)
	$(call KSYMS_NM,$<) > $@.tmp && mv $@.tmp $@

$(BUILD)/kernel/kallsyms_%.o: $(BUILD)/kernel/kallsyms_%.c
	$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/kmem386.pass1.elf: $(KOBJS) $(BUILD)/kernel/kallsyms_empty.o arch/i386/linker.ld
	ld $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/kernel/kallsyms_empty.o $(LIBGCC)

$(BUILD)/kmem386.elf: $(KOBJS) $(BUILD)/kernel/kallsyms_table.o arch/i386/linker.ld
	ld $(KLDFLAGS) -o $@.tmp $(KOBJS) $(BUILD)/kernel/kallsyms_table.o $(LIBGCC)
	@$(call KSYMS_NM,$@.tmp) | cmp -s - $(BUILD)/kernel/kallsyms_table.c || \
		{ echo "kallsyms: text symbols moved between the two links"; \
		  rm -f $@.tmp; exit 1; }
	mv $@.tmp $@

$(BUILD)/kmem386.iso: $(BUILD)/kmem386.elf arch/i386/grub.cfg
	@rm -rf $(BUILD)/isodir && mkdir -p $(BUILD)/isodir/boot/grub
	cp $(BUILD)/kmem386.elf $(BUILD)/isodir/boot/kmem386.elf
	cp arch/i386/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/isodir 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

iso: deps $(BUILD)/kmem386.iso

QEMU_BASE = qemu-system-i386 -accel tcg -m $(MEM) -cpu $(CPU) -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04

run: deps $(BUILD)/kmem386.iso
	@echo "kmem386: booting with -m $(MEM) -cpu $(CPU); type 'help', 'halt' to leave (or Ctrl-a x)"
	tools/qemu-boot.sh --iso $(BUILD)/kmem386.iso --mem $(MEM) --cpu $(CPU) \
		--cmdline "$(CMDLINE)" $(if $(filter 1,$(VGA)),--vga,)

debug: deps $(BUILD)/kmem386.iso
	@echo "kmem386: QEMU waits for gdb on :1234; in another terminal: gdb -x tools/gdbinit"
	tools/qemu-boot.sh --iso $(BUILD)/kmem386.iso --mem $(MEM) --cpu $(CPU) \
		--cmdline "$(CMDLINE)" --gdb

# --- host build ------------------------------------------------------------
$(BUILD)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/libmm.a: $(HOBJS)
	@rm -f $@
	ar rcs $@ $^

# -rdynamic: printk's %pS names a host test's global functions through
# dladdr() (arch/host/host.c).  -Ikernel: for the tests of kernel/kallsyms.c
# and of lib/printf.c, which include it.
$(BUILD)/host/test_%: tests/host/test_%.c $(BUILD)/host/libmm.a $(wildcard tests/host/*.h)
	$(HOSTCC) $(HCFLAGS) -Itests/host -Ikernel -rdynamic -o $@ $< $(BUILD)/host/libmm.a -lcmocka

$(BUILD)/host/e820: tools/e820.c $(BUILD)/host/libmm.a
	$(HOSTCC) $(HCFLAGS) -o $@ $< $(BUILD)/host/libmm.a

# test_e820_tool runs the tool: build it first.
$(BUILD)/host/test_e820_tool: $(BUILD)/host/e820

# test_selftest_buddy compiles the kernel's buddy self tests.
$(BUILD)/host/test_selftest_buddy: kernel/selftest_buddy.c kernel/selftest.h

host: $(HOST_TESTS) $(if $(wildcard tools/e820.c),$(BUILD)/host/e820,)

test-host: deps host
	@set -e; for t in $(HOST_TESTS); do \
		echo "== $$t (valgrind)"; \
		$(VALGRIND) $$t; \
	done
	/usr/bin/python3 bench/test_results.py
	/usr/bin/python3 bench/test_threads.py

# --- fuzzers ---------------------------------------------------------------
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/fuzz_%: tests/host/fuzz_%.c $(FOBJS) $(wildcard tests/host/*.h)
	$(FUZZCC) $(FCFLAGS) -fsanitize=fuzzer -Itests/host -o $@ $< $(FOBJS)

test-fuzz: deps $(FUZZERS)
	@set -e; for f in $(FUZZERS); do \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		mkdir -p $(BUILD)/fuzz/corpus-$$(basename $$f); \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(BUILD)/fuzz/corpus-$$(basename $$f) 2>&1 | tail -n 12; \
		test $${PIPESTATUS[0]} -eq 0; \
	done

# --- ThreadSanitizer -------------------------------------------------------
# The tests that run CPUs as threads, built with clang -fsanitize=thread:
# any data race in mm/ under them fails the target.
$(BUILD)/tsan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(TSANCC) $(TCFLAGS) -MMD -MP -c $< -o $@

$(TSAN_TESTS): $(BUILD)/tsan/test_%: tests/host/test_%.c $(TOBJS) $(wildcard tests/host/*.h)
	$(TSANCC) $(TCFLAGS) -Itests/host -o $@ $< $(TOBJS) -lcmocka

test-tsan: deps $(TSAN_TESTS)
	@set -e; for t in $(TSAN_TESTS); do \
		echo "== $$t (ThreadSanitizer)"; \
		TSAN_OPTIONS="halt_on_error=1 exitcode=66" SMP_MM_OPS=$(TSAN_OPS) $$t; \
	done

# --- QEMU tests ------------------------------------------------------------
test-qemu: deps $(BUILD)/kmem386.iso $(BUILD)/kmem386.elf
	$(PYTEST) -n $(PYTEST_JOBS) tests/qemu $(PYTEST_ARGS)

# The long soak; test-qemu runs only its short round (test_soak_short).
test-soak: deps $(BUILD)/kmem386.iso $(BUILD)/kmem386.elf
	SOAK_MINUTES=$(MINUTES) $(PYTEST) -n $(PYTEST_JOBS) -m soak -rA \
		tests/qemu/test_soak.py $(PYTEST_ARGS)

test: SHELL := /bin/bash
test-fuzz: SHELL := /bin/bash
# Static analysis of mm/: cppcheck and clang-tidy must be clean.
TIDY_CHECKS := -*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.*,bugprone-*,$\
	-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,$\
	-bugprone-macro-parentheses,-bugprone-narrowing-conversions,$\
	-bugprone-implicit-widening-of-multiplication-result
lint:
	cppcheck --quiet --enable=warning,performance,portability --std=c11 \
		-Iinclude -DMM_HOST --error-exitcode=1 --inline-suppr mm/
	clang-tidy --quiet --warnings-as-errors='*' -checks='$(TIDY_CHECKS)' \
		$(MM_SRCS) -- -std=gnu11 -Iinclude -Iarch/host -DMM_HOST

test: deps
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-host
	$(MAKE) --no-print-directory test-fuzz
	$(MAKE) --no-print-directory test-tsan
	$(MAKE) --no-print-directory test-qemu

# --- benchmarks ------------------------------------------------------------
$(BUILD)/bench/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(BCFLAGS) -MMD -MP -c $< -o $@

bench: deps
	@if [ -f bench/Makefile.inc ]; then $(MAKE) --no-print-directory -f Makefile -f bench/Makefile.inc bench-run; \
	 else echo "bench: no benchmark yet"; exit 1; fi

bench-callgrind: deps
	@if [ -f bench/Makefile.inc ]; then $(MAKE) --no-print-directory -f Makefile -f bench/Makefile.inc bench-callgrind-run; \
	 else echo "bench-callgrind: no benchmark yet"; exit 1; fi

bench-mca: deps
	@$(MAKE) --no-print-directory -f Makefile -f bench/Makefile.inc bench-mca-run

bench-peers: deps
	@$(MAKE) --no-print-directory -f Makefile -f bench/Makefile.inc bench-peers-run

bench-decisions:
	@$(MAKE) --no-print-directory -f Makefile -f bench/Makefile.inc bench-decisions-run

bench-threads: deps
	@$(MAKE) --no-print-directory -f Makefile -f bench/Makefile.inc bench-threads-run

compile_commands:
	bear --output compile_commands.json -- $(MAKE) -B all

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
