/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Shared by the user-space programs that drive the glue: the harness, the
 * screen size table and the benchmark.
 */
#ifndef PANICQR_GLUE_TESTS_COMMON_H
#define PANICQR_GLUE_TESTS_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/types.h>
#include <drm/drm_fourcc.h>

/* What a panic screen's kernel shows: CONFIG_DRM_PANIC_SCREEN_QR_CODE_URL. */
#define TEST_BASE_URL "https://panicqr.example/"

/* Linux's drm_panic message: 5 lines, 8x16 font for these screens. */
#define TEST_MSG { .lines = 5, .columns = 36, .font_width = 8, .font_height = 16 }

struct test_format {
	const char *name;
	u32 fourcc;
	u8 cpp;
};

/* Every format the panicqr painter supports (core/src/screen/paint.rs). */
static const struct test_format test_formats[] = {
	{ "RGB565", fourcc_code('R', 'G', '1', '6'), 2 },
	{ "RGBA5551", fourcc_code('R', 'A', '1', '5'), 2 },
	{ "XRGB1555", fourcc_code('X', 'R', '1', '5'), 2 },
	{ "ARGB1555", fourcc_code('A', 'R', '1', '5'), 2 },
	{ "RGB888", fourcc_code('R', 'G', '2', '4'), 3 },
	{ "BGR888", fourcc_code('B', 'G', '2', '4'), 3 },
	{ "XRGB8888", fourcc_code('X', 'R', '2', '4'), 4 },
	{ "ARGB8888", fourcc_code('A', 'R', '2', '4'), 4 },
	{ "XBGR8888", fourcc_code('X', 'B', '2', '4'), 4 },
	{ "ABGR8888", fourcc_code('A', 'B', '2', '4'), 4 },
	{ "XRGB2101010", fourcc_code('X', 'R', '3', '0'), 4 },
	{ "ARGB2101010", fourcc_code('A', 'R', '3', '0'), 4 },
	{ "ABGR2101010", fourcc_code('A', 'B', '3', '0'), 4 },
};

#define TEST_FORMATS (sizeof(test_formats) / sizeof(test_formats[0]))

static inline const struct test_format *test_format(const char *name)
{
	size_t i;

	for (i = 0; i < TEST_FORMATS; i++)
		if (!strcmp(test_formats[i].name, name))
			return &test_formats[i];
	return NULL;
}

/* Microseconds on the monotonic clock. */
static inline double test_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline int test_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts the @n values; returns their median, and the smallest in @min. */
static inline double test_median(double *t, int n, double *min)
{
	qsort(t, n, sizeof(*t), test_cmp_double);
	*min = t[0];
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Reads a whole file; exits on failure. */
static inline u8 *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *data = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		perror(path);
		exit(2);
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			data = realloc(data, cap);
			if (!data)
				exit(2);
		}
		size_t got = fread(data + n, 1, cap - n, f);

		if (!got)
			break;
		n += got;
	}
	fclose(f);
	*len = n;
	return data;
}

#endif
