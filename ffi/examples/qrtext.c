// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * qrtext: the panic screen's QR code in a terminal, through the C library.
 *
 * Reads a kernel log from FILE (or standard input), fits the longest tail
 * that starts on a line with panicqr_encode_kmsg, and prints the code as
 * text: one line per module row, two characters per module ("##" dark,
 * "  " light) so that the modules come out square, with a quiet zone of 4
 * modules. Print it dark on light to scan it. What was encoded goes to
 * standard error.
 *
 * Without --url the tail goes raw in one byte segment, as Linux does
 * without CONFIG_DRM_PANIC_SCREEN_QR_CODE_URL. With --url it is compressed
 * and packed as digits behind URL?a=ARCH&v=RELEASE[&zd=2]&z=, as the panic
 * screen does; --fast fits it a few times quicker, for a little less log.
 *
 * Build it against an installed panicqr (cargo cinstall):
 *
 *   cc qrtext.c $(pkg-config --cflags --libs panicqr) -o qrtext
 *   cc qrtext.c $(pkg-config --cflags --libs --static panicqr) -o qrtext
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <panicqr.h>

#define QUIET_ZONE 4

static const char usage[] =
	"usage: qrtext [--url BASE_URL [--arch ARCH] [--release RELEASE] [--dictionary]\n"
	"              [--fast]] [--max-version N] [FILE]\n";

/* Reads all of `in` into a new buffer; returns NULL on failure. */
static uint8_t *read_all(FILE *in, size_t *len)
{
	size_t cap = 65536, n = 0;
	uint8_t *buf = malloc(cap);

	while (buf) {
		n += fread(buf + n, 1, cap - n, in);
		if (n < cap)
			break;
		uint8_t *bigger = realloc(buf, cap * 2);

		if (!bigger)
			free(buf);
		buf = bigger;
		cap *= 2;
	}
	if (buf && ferror(in)) {
		free(buf);
		buf = NULL;
	}
	*len = n;
	return buf;
}

/* Whether module (x, y) of the code is dark; outside the code is light. */
static int dark(const uint8_t *image, int width, int x, int y)
{
	if (x < 0 || y < 0 || x >= width || y >= width)
		return 0;
	return (image[y * ((width + 7) / 8) + x / 8] >> (7 - x % 8)) & 1;
}

int main(int argc, char **argv)
{
	const char *base_url = NULL, *arch = "", *release = "", *path = NULL;
	struct panicqr_options options = { 1, 40, 0, 1, -1 };
	struct panicqr_kmsg_request request;
	struct panicqr_kmsg_report report;
	struct panicqr_code code;
	enum panicqr_status status;
	uint8_t *kmsg, *workspace, *scratch, *image;
	int dictionary = 0, fast = 0;
	size_t kmsg_len;
	FILE *in = stdin;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(arg, "--dictionary")) {
			dictionary = 1;
			continue;
		}
		if (!strcmp(arg, "--fast")) {
			fast = 1;
			continue;
		}
		if (arg[0] != '-' || !strcmp(arg, "-")) {
			path = arg;
			continue;
		}
		if (!value) {
			fputs(usage, stderr);
			return 2;
		}
		if (!strcmp(arg, "--url"))
			base_url = value;
		else if (!strcmp(arg, "--arch"))
			arch = value;
		else if (!strcmp(arg, "--release"))
			release = value;
		else if (!strcmp(arg, "--max-version"))
			options.max_version = (uint8_t)atoi(value);
		else {
			fputs(usage, stderr);
			return 2;
		}
		i++;
	}
	if (path && strcmp(path, "-")) {
		in = fopen(path, "rb");
		if (!in) {
			fprintf(stderr, "qrtext: %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	kmsg = read_all(in, &kmsg_len);
	if (in != stdin)
		fclose(in);
	if (!kmsg) {
		fprintf(stderr, "qrtext: cannot read the log\n");
		return 1;
	}

	/* Buffers for the largest code, sized by the library. */
	workspace = malloc(panicqr_kmsg_workspace_len());
	scratch = malloc(panicqr_scratch_len(40));
	image = malloc(panicqr_image_len(40));
	if (!workspace || !scratch || !image) {
		fprintf(stderr, "qrtext: out of memory\n");
		return 1;
	}
	request.base_url = (const uint8_t *)base_url;
	request.base_url_len = base_url ? strlen(base_url) : 0;
	request.arch = (const uint8_t *)arch;
	request.arch_len = strlen(arch);
	request.release = (const uint8_t *)release;
	request.release_len = strlen(release);
	request.dictionary = (uint8_t)dictionary;
	/* 0: the most log; 1: a fit a few times quicker, a little less log. */
	request.effort = (uint8_t)fast;
	status = panicqr_encode_kmsg(kmsg, kmsg_len, &request, &options, workspace,
				     panicqr_kmsg_workspace_len(), scratch, panicqr_scratch_len(40),
				     image, panicqr_image_len(40), &code, &report);
	if (status != PANICQR_OK) {
		fprintf(stderr, "qrtext: %s\n", panicqr_status_str(status));
		return 1;
	}

	for (int y = -QUIET_ZONE; y < code.width + QUIET_ZONE; y++) {
		for (int x = -QUIET_ZONE; x < code.width + QUIET_ZONE; x++)
			fputs(dark(image, code.width, x, y) ? "##" : "  ", stdout);
		putchar('\n');
	}
	fprintf(stderr,
		"version %u (%u modules), ECC %c, mask %u; log bytes %zu to %zu of %zu%s%s\n",
		code.version, code.width, "LMQH"[code.ecc & 3], code.mask, report.tail_start,
		report.tail_start + report.tail_len, kmsg_len,
		report.dictionary ? ", with the dictionary" : "",
		report.truncated ? ", the last line cut" : "");
	free(kmsg);
	free(workspace);
	free(scratch);
	free(image);
	return ferror(stdout) ? 1 : 0;
}
