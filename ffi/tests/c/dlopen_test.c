// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * Loads the shared library with dlopen, as a plugin host does, calls two
 * exports, and checks that the unwinding personality the library defines
 * for itself is not exported. Usage: dlopen_test PATH/libpanicqr.so
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int passed;
static int failed;

static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		fprintf(stderr, "FAIL: %s\n", what);
	}
}

int main(int argc, char **argv)
{
	const char *(*status_str)(uint32_t);
	size_t (*image_len)(uint8_t);
	void *lib, *symbol;

	if (argc != 2) {
		fprintf(stderr, "usage: dlopen_test PATH/libpanicqr.so\n");
		return 2;
	}
	/* RTLD_NOW: every undefined symbol is resolved here, or dlopen fails. */
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "FAIL: dlopen: %s\n", dlerror());
		return 1;
	}
	symbol = dlsym(lib, "panicqr_status_str");
	check(symbol != NULL, "panicqr_status_str is exported");
	symbol = dlsym(lib, "panicqr_image_len");
	check(symbol != NULL, "panicqr_image_len is exported");
	if (failed)
		return 1;
	/* POSIX: a function pointer converts through an object pointer's bytes. */
	symbol = dlsym(lib, "panicqr_status_str");
	memcpy(&status_str, &symbol, sizeof(symbol));
	symbol = dlsym(lib, "panicqr_image_len");
	memcpy(&image_len, &symbol, sizeof(symbol));
	check(strcmp(status_str(0), "success") == 0, "panicqr_status_str(0)");
	check(image_len(40) == 4071, "panicqr_image_len(40)");
	check(dlsym(lib, "rust_eh_personality") == NULL, "rust_eh_personality is not exported");
	check(dlclose(lib) == 0, "dlclose");
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
