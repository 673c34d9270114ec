#!/bin/bash
# Boot kmem386 in QEMU (TCG) with the console on this terminal.
#   tools/qemu-boot.sh --iso build/kmem386.iso [--mem 128M] [--cpu qemu32]
#                      [--cmdline "..."] [--vga] [--gdb]
# With --cmdline, the ELF is booted through QEMU's Multiboot loader
# (-kernel/-append) so no ISO has to be rebuilt.  `halt` in the console
# ends QEMU with status 1, which this script reports as success.
set -u
iso="" mem=128M cpu=qemu32 cmdline="" vga=0 gdb=0
while [ $# -gt 0 ]; do
	case "$1" in
	--iso) iso=$2; shift ;;
	--mem) mem=$2; shift ;;
	--cpu) cpu=$2; shift ;;
	--cmdline) cmdline=$2; shift ;;
	--vga) vga=1 ;;
	--gdb) gdb=1 ;;
	*) echo "qemu-boot: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
elf="$(dirname "$iso")/kmem386.elf"
args=(-accel tcg -m "$mem" -cpu "$cpu" -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ -n "$cmdline" ]; then
	args+=(-kernel "$elf" -append "$cmdline")
else
	args+=(-cdrom "$iso" -boot d)
fi
if [ "$vga" = 1 ]; then
	args+=(-serial mon:stdio)
else
	args+=(-display none -serial mon:stdio)
fi
[ "$gdb" = 1 ] && args+=(-s -S -d int,cpu_reset)
qemu-system-i386 "${args[@]}"
status=$?
case $status in
1) exit 0 ;;			# halt
3) echo "kmem386: the kernel panicked" >&2; exit 3 ;;
*) exit $status ;;
esac
