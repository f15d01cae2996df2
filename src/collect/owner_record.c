#include "config.h"

#include "owner_record.h"

#include <string.h>

/* The least a record can be: its version and size. */
enum { RECORD_HEADER = 4, RECORD_MAX = 4096 };

/* A whole record of this version, copied out: the bytes may be unaligned. */
static void record_take(const unsigned char *p, owner_record_fn fn, void *arg)
{
	struct owner_record rec;

	memcpy(&rec, p, sizeof(rec));
	fn(&rec, arg);
}

void owner_record_feed(struct owner_record_reader *r, const void *data, size_t n, owner_record_fn fn,
		       void *arg)
{
	const unsigned char *p = data;

	while (n && !r->broken) {
		__u16 version, size;
		size_t want;

		if (r->skip) {
			size_t step = r->skip < n ? r->skip : n;

			r->skip -= step;
			p += step;
			n -= step;
			continue;
		}
		/* Gather at least the header, then the whole record. */
		want = r->npartial < RECORD_HEADER ? RECORD_HEADER : sizeof(struct owner_record);
		if (r->npartial < want) {
			size_t take = want - r->npartial < n ? want - r->npartial : n;

			memcpy(r->partial + r->npartial, p, take);
			r->npartial += take;
			p += take;
			n -= take;
			if (r->npartial < RECORD_HEADER)
				continue;
		}
		memcpy(&version, r->partial, sizeof(version));
		memcpy(&size, r->partial + 2, sizeof(size));
		if (size < RECORD_HEADER || size > RECORD_MAX || size % 4 ||
		    (version == OWNER_RECORD_VERSION && size != sizeof(struct owner_record))) {
			r->broken = true;
			return;
		}
		if (version != OWNER_RECORD_VERSION) {
			/* Step over what is left of it past what is gathered. */
			r->unknown++;
			r->skip = size > r->npartial ? size - r->npartial : 0;
			r->npartial = 0;
			continue;
		}
		if (r->npartial < sizeof(struct owner_record))
			continue; /* the rest comes with the next bytes */
		record_take(r->partial, fn, arg);
		r->npartial = 0;
	}
}

bool owner_record_complete(const struct owner_record_reader *r)
{
	return !r->broken && !r->npartial && !r->skip;
}
