/* libFuzzer target: the sanitiser and the JSON escaper. Whatever the
 * bytes, the sanitised text holds no control character, no DEL and only
 * valid UTF-8, and its reported width matches what sanitize_fit measures;
 * the JSON string holds no raw control character. */
#include "config.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sanitize.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const struct strbuf *sb)
{
	const unsigned char *p = (const unsigned char *)sb->data, *end = p + sb->len;

	while (p < end) {
		uint32_t cp;
		size_t n;

		if (*p < 0x20 || *p == 0x7f)
			abort();
		n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n == 0 || (cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			abort();
		p += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct strbuf sb = { 0 }, js = { 0 };
	size_t width, used, i;

	if (!ready) {
		setlocale(LC_ALL, "C.UTF-8");
		ready = 1;
	}
	width = sanitize_append(&sb, (const char *)data, size, true);
	if (sb.len)
		check_clean(&sb);
	if (sanitize_fit(strbuf_str(&sb), sb.len, (size_t)-1, &used) != sb.len || used != width)
		abort();
	strbuf_reset(&sb);
	sanitize_append(&sb, (const char *)data, size, false);
	for (i = 0; i < sb.len; i++)
		if ((unsigned char)sb.data[i] < 0x20 || (unsigned char)sb.data[i] >= 0x7f)
			abort();
	json_append_escaped(&js, (const char *)data, size);
	for (i = 0; i < js.len; i++)
		if ((unsigned char)js.data[i] < 0x20)
			abort();
	strbuf_free(&sb);
	strbuf_free(&js);
	return 0;
}
