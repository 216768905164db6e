# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Read with Linux's own Makefile, in a configured tree, by
# scripts/build-kernel-object.sh --kernel-tree: prints the Rust flags the
# kernel gives its own Rust code for that configuration.
#
#   make -C TREE -s --no-print-directory -f Makefile -f rustflags.mk panicqr-rustflags
panicqr-rustflags:
	@echo $(KBUILD_RUSTFLAGS) $(KBUILD_RUSTFLAGS_KERNEL)
