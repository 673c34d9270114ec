#!/bin/sh
# Make sure the Debian packages kmem386 builds and tests with are installed.
# As root, installs what is missing; otherwise prints the apt-get line.
PKGS="nasm qemu-system-x86 grub-pc-bin grub-common xorriso mtools gcc-multilib \
valgrind libcmocka-dev clang python3-pytest python3-pexpect python3-pytest-xdist bear cppcheck clang-tidy \
libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev gdb bochs bochsbios vgabios bochs-term"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	echo "kmem386: installing missing packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q && apt-get install -y -q $missing && exit 0
	echo "kmem386: apt-get failed" >&2
	exit 1
fi
echo "kmem386: missing Debian packages. Install them with:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
