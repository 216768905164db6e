// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * Tests of the C ABI from C, built with AddressSanitizer and
 * UndefinedBehaviorSanitizer by scripts/c-tests.sh. Every buffer sits
 * between guard bytes; each case checks its exact status and that nothing
 * was written outside the buffers, or anywhere on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "panicqr.h"

#define GUARD 32
#define FILL 0xa5

static int passed;
static int failed;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (cond) {                                               \
			passed++;                                         \
		} else {                                                  \
			failed++;                                         \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
		}                                                         \
	} while (0)

/* A buffer of `len` bytes between guard bytes, all set to FILL. */
struct guarded {
	uint8_t *base;
	uint8_t *data;
	size_t len;
};

static struct guarded guarded_new(size_t len)
{
	struct guarded g;

	g.base = malloc(len + 2 * GUARD);
	if (!g.base)
		abort();
	memset(g.base, FILL, len + 2 * GUARD);
	g.data = g.base + GUARD;
	g.len = len;
	return g;
}

static int guards_intact(const struct guarded *g)
{
	for (size_t i = 0; i < GUARD; i++)
		if (g->base[i] != FILL || g->data[g->len + i] != FILL)
			return 0;
	return 1;
}

static int untouched(const struct guarded *g)
{
	for (size_t i = 0; i < g->len + 2 * GUARD; i++)
		if (g->base[i] != FILL)
			return 0;
	return 1;
}

static void guarded_free(struct guarded *g)
{
	free(g->base);
}

static uint32_t rng_state = 0x12345678u;

static uint8_t random_byte(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return (uint8_t)rng_state;
}

/* The largest byte segment that fits `version` at `ecc`, found by trying. */
static size_t byte_capacity(uint8_t version, uint8_t ecc)
{
	struct panicqr_options o = { version, version, ecc, false, 0 };
	static uint8_t data[3000], scratch[3706], image[4071];
	struct panicqr_code code;
	size_t lo = 0, hi = 2954;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (panicqr_encode_binary(data, mid, &o, scratch, sizeof(scratch), image,
					  sizeof(image), &code) == PANICQR_OK)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void test_every_version_and_level(void)
{
	/* ISO/IEC 18004 Table 7, byte mode: V1 and V40 at each level. */
	static const size_t v1[4] = { 17, 14, 11, 7 };
	static const size_t v40[4] = { 2953, 2331, 1663, 1273 };

	for (uint8_t v = 1; v <= 40; v++) {
		for (uint8_t ecc = 0; ecc < 4; ecc++) {
			size_t cap = byte_capacity(v, ecc);
			size_t image_len = panicqr_image_len(v);
			size_t scratch_len = panicqr_scratch_len(v);
			struct guarded data = guarded_new(cap + 1);
			struct guarded scratch = guarded_new(scratch_len);
			struct guarded image = guarded_new(image_len);
			struct panicqr_options o = { v, v, ecc, false, -1 };
			struct panicqr_code code = { 0 };
			enum panicqr_status s;

			if (v == 1)
				CHECK(cap == v1[ecc], "V1 level %u capacity %zu", ecc, cap);
			if (v == 40)
				CHECK(cap == v40[ecc], "V40 level %u capacity %zu", ecc, cap);
			for (size_t i = 0; i < cap + 1; i++)
				data.data[i] = random_byte();
			s = panicqr_encode_binary(data.data, cap, &o, scratch.data, scratch_len,
						  image.data, image_len, &code);
			CHECK(s == PANICQR_OK, "V%u level %u: %s", v, ecc, panicqr_status_str(s));
			CHECK(code.version == v && code.width == 17 + 4 * v && code.ecc == ecc &&
			      code.mask < 8, "V%u level %u: code", v, ecc);
			CHECK(guards_intact(&scratch) && guards_intact(&image),
			      "V%u level %u: guards", v, ecc);
			/* The top-left finder's first row: 7 dark modules. */
			CHECK((image.data[0] & 0xfe) == 0xfe, "V%u finder", v);

			memset(image.base, FILL, image_len + 2 * GUARD);
			code.version = 0xee;
			s = panicqr_encode_binary(data.data, cap + 1, &o, scratch.data, scratch_len,
						  image.data, image_len, &code);
			CHECK(s == PANICQR_ERR_DATA_TOO_LONG, "V%u level %u: one byte over: %s", v,
			      ecc, panicqr_status_str(s));
			CHECK(untouched(&image) && code.version == 0xee,
			      "V%u level %u: outputs written on failure", v, ecc);
			guarded_free(&data);
			guarded_free(&scratch);
			guarded_free(&image);
		}
	}
}

static void test_null_pointers(void)
{
	static uint8_t scratch[3706], image[4071], workspace[65536];
	struct panicqr_code code;
	struct panicqr_kmsg_report report;
	struct panicqr_kmsg_request request = { (const uint8_t *)"u", 1, NULL, 0, NULL, 0, false, 0 };
	struct panicqr_screen screen = { 640, 480, 8, 16, 2, 20 };
	struct panicqr_geometry geometry;
	const uint8_t *d = (const uint8_t *)"data";
	size_t pixels;
	uint8_t max_version;
	uint8_t out[64];

	CHECK(panicqr_kmsg_workspace_len() <= sizeof(workspace), "workspace length");
	CHECK(panicqr_encode_binary(NULL, 4, NULL, scratch, 3706, image, 4071, &code) ==
	      PANICQR_ERR_NULL_POINTER, "binary data");
	CHECK(panicqr_encode_binary(d, 4, NULL, NULL, 3706, image, 4071, &code) ==
	      PANICQR_ERR_NULL_POINTER, "binary scratch");
	CHECK(panicqr_encode_binary(d, 4, NULL, scratch, 3706, NULL, 4071, &code) ==
	      PANICQR_ERR_NULL_POINTER, "binary image");
	CHECK(panicqr_encode_binary(d, 4, NULL, scratch, 3706, image, 4071, NULL) ==
	      PANICQR_ERR_NULL_POINTER, "binary code");
	CHECK(panicqr_encode_text(NULL, 4, NULL, scratch, 3706, image, 4071, &code) ==
	      PANICQR_ERR_NULL_POINTER, "text data");
	CHECK(panicqr_encode_text(d, 4, NULL, scratch, 3706, image, 4071, NULL) ==
	      PANICQR_ERR_NULL_POINTER, "text code");
	CHECK(panicqr_encode_panic_url(NULL, 4, d, 4, NULL, scratch, 3706, image, 4071, &code) ==
	      PANICQR_ERR_NULL_POINTER, "url url");
	CHECK(panicqr_encode_panic_url(d, 4, NULL, 4, NULL, scratch, 3706, image, 4071, &code) ==
	      PANICQR_ERR_NULL_POINTER, "url data");
	CHECK(panicqr_encode_panic_url(d, 4, d, 4, NULL, NULL, 3706, image, 4071, &code) ==
	      PANICQR_ERR_NULL_POINTER, "url scratch");
	CHECK(panicqr_encode_kmsg(d, 4, NULL, NULL, workspace, sizeof(workspace), scratch, 3706,
				  image, 4071, &code, &report) == PANICQR_ERR_NULL_POINTER,
	      "kmsg request");
	CHECK(panicqr_encode_kmsg(d, 4, &request, NULL, NULL, sizeof(workspace), scratch, 3706,
				  image, 4071, &code, &report) == PANICQR_ERR_NULL_POINTER,
	      "kmsg workspace");
	CHECK(panicqr_encode_kmsg(d, 4, &request, NULL, workspace, sizeof(workspace), scratch,
				  3706, image, 4071, &code, NULL) == PANICQR_ERR_NULL_POINTER,
	      "kmsg report");
	CHECK(panicqr_layout_plan(NULL, NULL, &max_version, &geometry) ==
	      PANICQR_ERR_NULL_POINTER, "plan screen");
	CHECK(panicqr_layout_plan(&screen, NULL, NULL, &geometry) == PANICQR_ERR_NULL_POINTER,
	      "plan version");
	CHECK(panicqr_layout_place(&screen, NULL, 21, NULL) == PANICQR_ERR_NULL_POINTER,
	      "place geometry");
	CHECK(panicqr_encode_binary(d, 4, NULL, scratch, 3706, image, 4071, &code) ==
	      PANICQR_OK, "binary ok");
	CHECK(panicqr_layout_place(&screen, NULL, code.width, &geometry) == PANICQR_OK, "place");
	CHECK(panicqr_paint_row(NULL, 4071, &code, &geometry, 0x34325258, 0xffffff, 0, 0, 0,
				out, sizeof(out), &pixels) == PANICQR_ERR_NULL_POINTER, "paint image");
	CHECK(panicqr_paint_row(image, 4071, NULL, &geometry, 0x34325258, 0xffffff, 0, 0, 0,
				out, sizeof(out), &pixels) == PANICQR_ERR_NULL_POINTER, "paint code");
	CHECK(panicqr_paint_row(image, 4071, &code, &geometry, 0x34325258, 0xffffff, 0, 0, 0,
				NULL, sizeof(out), &pixels) == PANICQR_ERR_NULL_POINTER, "paint out");
	CHECK(panicqr_paint_row(image, 4071, &code, &geometry, 0x34325258, 0xffffff, 0, 0, 0,
				out, sizeof(out), NULL) == PANICQR_ERR_NULL_POINTER, "paint pixels");
}

/* A geometry whose canvas is not the square its scale gives is refused. */
static void test_paint_canvas_mismatch(void)
{
	static uint8_t scratch[3706], image[4071];
	struct panicqr_screen screen = { 320, 240, 0, 0, 0, 0 };
	struct panicqr_geometry good, bad;
	struct panicqr_code code;
	struct guarded out = guarded_new(4 * 320);
	uint32_t side;
	size_t pixels;

	CHECK(panicqr_encode_binary((const uint8_t *)"row", 3, NULL, scratch, 3706, image, 4071,
				    &code) == PANICQR_OK, "encode");
	CHECK(panicqr_layout_place(&screen, NULL, code.width, &good) == PANICQR_OK, "place");
	side = (good.width_modules + 2 * good.quiet_zone) * good.scale;
	CHECK(good.canvas.width == side && good.canvas.height == side, "canvas %ux%u, side %u",
	      good.canvas.width, good.canvas.height, side);
	for (int i = 0; i < 4; i++) {
		bad = good;
		bad.canvas.width += (i == 0) - (i == 1);
		bad.canvas.height += (i == 2) - (i == 3);
		pixels = 0xee;
		CHECK(panicqr_paint_row(image, 4071, &code, &bad, 0x34325258, 0xffffff, 0, 0, 0,
					out.data, out.len, &pixels) ==
		      PANICQR_ERR_INVALID_ARGUMENT && pixels == 0xee && untouched(&out),
		      "canvas %ux%u refused, nothing written", bad.canvas.width,
		      bad.canvas.height);
	}
	CHECK(panicqr_paint_row(image, 4071, &code, &good, 0x34325258, 0xffffff, 0, 0, 0,
				out.data, out.len, &pixels) == PANICQR_OK && pixels == side &&
	      guards_intact(&out), "matching canvas painted");
	guarded_free(&out);
}

static void test_layout_photo_limit(void)
{
	struct panicqr_screen screen = { 1920, 1080, 8, 16, 2, 20 };
	/* Written before max_modules_across existed: the field is zero. */
	struct panicqr_policy largest = { .min_scale = 2, .quiet_zone = 4, .max_version = 40 };
	struct panicqr_policy limited = largest;
	struct panicqr_geometry geometry;
	uint8_t max_version = 0;

	/* The default: modules of at least 1920 / 256 pixels, version 27. */
	CHECK(panicqr_layout_plan(&screen, NULL, &max_version, &geometry) == PANICQR_OK &&
	      max_version == 27 && geometry.scale == 8, "default V%u scale %u", max_version,
	      geometry.scale);
	CHECK(panicqr_layout_plan(&screen, &largest, &max_version, &geometry) == PANICQR_OK &&
	      max_version == 40 && geometry.scale == 5, "no limit V%u scale %u", max_version,
	      geometry.scale);
	limited.max_modules_across = 256;
	CHECK(panicqr_layout_plan(&screen, &limited, &max_version, &geometry) == PANICQR_OK &&
	      max_version == 27 && geometry.scale == 8, "256 V%u scale %u", max_version,
	      geometry.scale);
}

static void test_short_buffers(void)
{
	for (uint8_t v = 1; v <= 40; v += 13) {
		size_t image_len = panicqr_image_len(v);
		size_t scratch_len = panicqr_scratch_len(v);
		struct panicqr_options o = { v, v, 0, false, 0 };
		struct panicqr_code code = { 0xee, 0, 0, 0 };
		struct guarded scratch = guarded_new(scratch_len - 1);
		struct guarded image = guarded_new(image_len);
		enum panicqr_status s;

		s = panicqr_encode_binary((const uint8_t *)"x", 1, &o, scratch.data, scratch_len - 1,
					  image.data, image_len, &code);
		CHECK(s == PANICQR_ERR_BUFFER_TOO_SMALL, "V%u scratch one short", v);
		CHECK(untouched(&image) && untouched(&scratch) && code.version == 0xee,
		      "V%u nothing written", v);
		guarded_free(&scratch);
		guarded_free(&image);

		scratch = guarded_new(scratch_len);
		image = guarded_new(image_len - 1);
		s = panicqr_encode_binary((const uint8_t *)"x", 1, &o, scratch.data, scratch_len,
					  image.data, image_len - 1, &code);
		CHECK(s == PANICQR_ERR_BUFFER_TOO_SMALL, "V%u image one short", v);
		CHECK(untouched(&image) && guards_intact(&scratch) && code.version == 0xee,
		      "V%u image untouched", v);
		s = panicqr_encode_text((const uint8_t *)"x", 1, &o, scratch.data, scratch_len,
					image.data, image_len - 1, &code);
		CHECK(s == PANICQR_ERR_BUFFER_TOO_SMALL, "V%u text image one short", v);
		CHECK(guards_intact(&image), "V%u text guards", v);
		guarded_free(&scratch);
		guarded_free(&image);
	}
}

static void test_options_out_of_range(void)
{
	static uint8_t scratch[3706], image[4071];
	static const struct panicqr_options bad[] = {
		{ 0, 40, 0, false, -1 }, { 1, 41, 0, false, -1 }, { 9, 8, 0, false, -1 },
		{ 1, 40, 4, false, -1 }, { 1, 40, 0, false, 8 },  { 1, 40, 0, false, -2 },
	};
	struct panicqr_policy bad_policy = { 2, 4, 41, 0, 0 };
	struct panicqr_screen screen = { 640, 480, 8, 16, 2, 20 };
	struct panicqr_geometry geometry;
	uint8_t max_version;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct panicqr_code code = { 0xee, 0, 0, 0 };

		CHECK(panicqr_encode_binary((const uint8_t *)"x", 1, &bad[i], scratch, 3706, image,
					    4071, &code) == PANICQR_ERR_INVALID_ARGUMENT &&
		      code.version == 0xee, "options %zu", i);
	}
	CHECK(panicqr_layout_plan(&screen, &bad_policy, &max_version, &geometry) ==
	      PANICQR_ERR_INVALID_ARGUMENT, "policy version");
	CHECK(panicqr_image_len(0) == 0 && panicqr_image_len(41) == 0, "image_len range");
	CHECK(panicqr_panic_url_capacity(40, 4, 0) == 0, "capacity level");
	CHECK(strcmp(panicqr_status_str(99), "unknown status") == 0, "unknown status");
}

/*
 * The flags are bytes, any nonzero value true: a stray byte (here written
 * through memset, as a caller in another language might leave one) is
 * never undefined.
 */
static void test_flag_bytes(void)
{
	static uint8_t scratch[3706], image[4071], workspace[65536];
	static const uint8_t flags[] = { 1, 2, 0x80, 0xff };
	static const char kmsg[] =
		"[    1.000000] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[    1.000001] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.12.0 #1\n"
		"[    1.000002] RIP: 0010:panic+0x10/0x20\n"
		"[    1.000003] Call Trace:\n"
		"[    1.000004]  <TASK>\n"
		"[    1.000005] Kernel panic - not syncing: Fatal exception\n";
	struct panicqr_kmsg_request request = { (const uint8_t *)"https://p.example/r", 19,
						 (const uint8_t *)"x86_64", 6,
						 (const uint8_t *)"6.12.0", 6, 0, 0 };
	struct panicqr_options o;
	struct panicqr_code code;
	struct panicqr_kmsg_report plain, report;

	memset(&o, 0, sizeof(o));
	o.min_version = 1;
	o.max_version = 40;
	o.mask = -1;
	CHECK(panicqr_encode_binary((const uint8_t *)"panic", 5, &o, scratch, 3706, image, 4071,
				    &code) == PANICQR_OK && code.ecc == 0, "boost_ecc 0");
	o.max_version = 5;
	CHECK(panicqr_encode_kmsg((const uint8_t *)kmsg, strlen(kmsg), &request, &o, workspace,
				  sizeof(workspace), scratch, 3706, image, 4071, &code,
				  &plain) == PANICQR_OK && !plain.dictionary, "dictionary 0");
	for (size_t i = 0; i < sizeof(flags); i++) {
		memset(&o.boost_ecc, flags[i], 1);
		o.max_version = 40;
		CHECK(panicqr_encode_binary((const uint8_t *)"panic", 5, &o, scratch, 3706, image,
					    4071, &code) == PANICQR_OK && code.ecc == 3,
		      "boost_ecc %#x", flags[i]);
		memset(&o.boost_ecc, 0, 1);
		o.max_version = 5;
		memset(&request.dictionary, flags[i], 1);
		CHECK(panicqr_encode_kmsg((const uint8_t *)kmsg, strlen(kmsg), &request, &o,
					  workspace, sizeof(workspace), scratch, 3706, image, 4071,
					  &code, &report) == PANICQR_OK && report.dictionary &&
		      report.tail_start < plain.tail_start, "dictionary %#x", flags[i]);
	}
	/* The effort is 0 or 1; any other byte is refused, nothing written. */
	memset(&request.dictionary, 0, 1);
	request.effort = 1;
	CHECK(panicqr_encode_kmsg((const uint8_t *)kmsg, strlen(kmsg), &request, &o, workspace,
				  sizeof(workspace), scratch, 3706, image, 4071, &code,
				  &report) == PANICQR_OK && report.tail_start >= plain.tail_start,
	      "effort 1");
	for (size_t i = 0; i < sizeof(flags); i++) {
		if (flags[i] < 2)
			continue;
		memset(&report, 0xa5, sizeof(report));
		request.effort = flags[i];
		CHECK(panicqr_encode_kmsg((const uint8_t *)kmsg, strlen(kmsg), &request, &o,
					  workspace, sizeof(workspace), scratch, 3706, image, 4071,
					  &code, &report) == PANICQR_ERR_INVALID_ARGUMENT &&
		      report.tail_start == (size_t)0xa5a5a5a5a5a5a5a5ull,
		      "effort %#x", flags[i]);
	}
}

static void test_drm_drop_in(void)
{
	struct guarded data = guarded_new(4071);
	struct guarded tmp = guarded_new(3706);
	uint8_t width;

	memcpy(data.data, "hello", 5);
	width = drm_panic_qr_generate(NULL, data.data, 4072, 4071, tmp.data, 3706);
	CHECK(width == 0, "data_len > data_size");
	width = drm_panic_qr_generate(NULL, data.data, 5, 4070, tmp.data, 3706);
	CHECK(width == 0, "data_size too small");
	width = drm_panic_qr_generate(NULL, data.data, 5, 4071, tmp.data, 3705);
	CHECK(width == 0, "tmp_size too small");
	CHECK(guards_intact(&data) && guards_intact(&tmp) && data.data[5] == FILL &&
	      tmp.data[0] == FILL, "nothing written on refusal");
	width = drm_panic_qr_generate(NULL, data.data, 5, 4071, tmp.data, 3706);
	CHECK(width == 21, "byte segment width %u", width);
	CHECK(guards_intact(&data) && guards_intact(&tmp), "drm guards");
	/* A set bit is light: the finder's first row is dark, its separator light. */
	CHECK((data.data[0] & 0xfe) == 0 && (data.data[0] & 1) == 1, "light is set");

	memset(data.data, 0x42, 4071);
	width = drm_panic_qr_generate("https://example.invalid/?a=x86_64&v=6.12&z=", data.data,
				      2000, 4071, tmp.data, 3706);
	CHECK(width > 0 && width <= 177, "url width %u", width);
	CHECK(drm_panic_qr_max_data_size(40, 48) == 2830, "linux estimate");
	CHECK(panicqr_panic_url_capacity(40, 0, 48) == 2868, "exact capacity");
	guarded_free(&data);
	guarded_free(&tmp);
}

/* A URL that overlaps `data` or `tmp`, its NUL included, is refused. */
static void test_drm_url_overlap(void)
{
	struct guarded data = guarded_new(4071);
	struct guarded tmp = guarded_new(3706);
	uint8_t width;

	/* In the guard bytes right after `tmp`: outside it, accepted. */
	memcpy(tmp.data + 3706, "u", 2);
	memcpy(data.data, "hello", 5);
	width = drm_panic_qr_generate((const char *)tmp.data + 3706, data.data, 5, 4071, tmp.data,
				      3706);
	CHECK(width == 21, "URL after tmp: width %u", width);
	memset(tmp.data + 3706, FILL, 2);

	memset(data.data, FILL, 4071);
	memset(tmp.data, FILL, 3706);
	memcpy(data.data, "hello", 5);
	memcpy(data.data + 100, "u", 2);
	width = drm_panic_qr_generate((const char *)data.data + 100, data.data, 5, 4071, tmp.data,
				      3706);
	CHECK(width == 0, "URL in data");
	CHECK(untouched(&tmp) && data.data[5] == FILL && data.data[102] == FILL, "URL in data: "
	      "nothing written");
	memset(data.data + 100, FILL, 2);

	memcpy(tmp.data + 3705, "", 1);
	width = drm_panic_qr_generate((const char *)tmp.data + 3705, data.data, 5, 4071, tmp.data,
				      3706);
	CHECK(width == 0, "empty URL whose NUL is tmp's last byte");
	/* The URL's NUL is the first byte of `tmp`. */
	tmp.data[-2] = 'u';
	tmp.data[-1] = 'r';
	tmp.data[0] = 0;
	width = drm_panic_qr_generate((const char *)tmp.data - 2, data.data, 5, 4071, tmp.data, 3706);
	CHECK(width == 0, "URL's NUL in tmp");
	CHECK(data.data[5] == FILL && tmp.data[1] == FILL && tmp.data[3704] == FILL,
	      "URL in tmp: nothing written");
	guarded_free(&data);
	guarded_free(&tmp);
}

int main(void)
{
	test_every_version_and_level();
	test_null_pointers();
	test_paint_canvas_mismatch();
	test_short_buffers();
	test_layout_photo_limit();
	test_options_out_of_range();
	test_flag_bytes();
	test_drm_drop_in();
	test_drm_url_overlap();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
