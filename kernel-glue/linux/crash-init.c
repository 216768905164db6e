// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * The initramfs's /init where no busybox of the kernel's architecture is at
 * hand (kernel-glue/linux/e2e.sh --arch arm64): it writes the test's marker
 * to the kernel log, then crashes the kernel through sysrq, as the x86_64
 * run's busybox script does.
 *
 * The marker comes from the kernel command line: Linux passes a parameter
 * it does not know, panicqr_marker=..., to init as an environment variable.
 *
 * Built statically with the architecture's cross compiler, e.g.
 *   aarch64-linux-gnu-gcc -static -O2 -o init crash-init.c
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static int write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY);

	if (fd < 0) {
		perror(path);
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len) {
		perror(path);
		close(fd);
		return -1;
	}
	return close(fd);
}

int main(void)
{
	const char *marker = getenv("panicqr_marker");
	char line[256];

	if (!marker || !*marker) {
		fprintf(stderr, "init: no panicqr_marker= on the command line\n");
		return 1;
	}
	if (mount("dev", "/dev", "devtmpfs", 0, NULL) && access("/dev/kmsg", W_OK)) {
		perror("init: mount /dev");
		return 1;
	}
	if (mount("proc", "/proc", "proc", 0, NULL)) {
		perror("init: mount /proc");
		return 1;
	}
	snprintf(line, sizeof(line), "%s\n", marker);
	if (write_file("/dev/kmsg", line) || write_file("/proc/sysrq-trigger", "c"))
		return 1;
	/* Not reached: the kernel panics in the write above. */
	return 1;
}
