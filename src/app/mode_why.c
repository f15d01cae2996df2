#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "bindprobe.h"
#include "collect.h"
#include "kinds.h"
#include "modes.h"
#include "output.h"
#include "refresh.h"
#include "sanitize.h"
#include "why.h"

enum { WHY_LABEL_WIDTH = 10 };

int mode_why(const struct settings *s, const char *spec)
{
	struct why_query q;
	struct pv_bind_try tries[2][PV_BIND_FORM_COUNT];
	uint8_t protos[2];
	char err[256], host[256];
	/* Bound-but-inactive sockets hold ports too; TIME_WAIT's timers are
	 * in every dump. */
	struct refresh_options ro = {
		.peers = true,
		.owners = s->owners,
		.netns = s->netns,
		.bound = true,
	};
	struct refresh *refresh;
	const struct pv_model *m;
	struct why_report report;
	size_t nprotos;
	int status;

	if (!why_parse(spec, &q, err, sizeof(err))) {
		struct strbuf clean = { 0 };

		sanitize_append(&clean, err, strlen(err), sanitize_locale_is_utf8());
		fprintf(stderr, "portview: %s\n", strbuf_str(&clean));
		strbuf_free(&clean);
		return 2;
	}
	refresh = refresh_open(&ro, err, sizeof(err));
	if (!refresh) {
		fprintf(stderr, "portview: %s\n", err);
		return 2;
	}
	m = refresh_now(refresh, kind_mask_all() & ~kind_mask_unix(), err, sizeof(err));
	if (!m) {
		fprintf(stderr, "portview: %s\n", err);
		refresh_close(refresh);
		return 2;
	}
	/* Right after the look, so both tell of the same moment. */
	nprotos = why_protocols(&q, protos);
	for (size_t i = 0; i < nprotos; i++)
		bind_probe(protos[i], q.port, tries[i]);
	why_build(m->snap, &q, tries, &report);
	collect_hostname(host, sizeof(host));
	if (s->json) {
		output_why_json(stdout, m->snap, &report, host);
	} else {
		struct strbuf text = { 0 };

		why_describe(m->snap, &report, sanitize_locale_is_utf8(), &text);
		output_labelled(stdout, strbuf_str(&text), WHY_LABEL_WIDTH);
		strbuf_free(&text);
	}
	fflush(stdout);
	status = report.taken ? 1 : 0;
	why_free(&report);
	refresh_close(refresh);
	return status;
}
