#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "options.h"

/* getopt wants writable argv strings; literals are const. */
static char *filter;

static int parse(struct settings *o, char *err, int argc, const char *const *args)
{
	char *argv[16];
	int i, ret;

	for (i = 0; i < argc; i++)
		argv[i] = strdup(args[i]);
	argv[argc] = NULL;
	free(filter);
	ret = options_parse(argc, argv, o, &filter, err, 256);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return ret;
}

START_TEST(t_defaults_and_filter_words)
{
	const char *const argv[] = { "portview", "--once", "port:80", "|", "udp", NULL };
	struct settings o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, 5, argv), 0);
	ck_assert(o.once);
	ck_assert(!o.json && !o.listening);
	ck_assert_int_eq(o.group, GROUP_PROCESS);
	ck_assert(o.delay == 1.0);
	ck_assert_str_eq(filter, "port:80 | udp");
	ck_assert_uint_eq(o.given, SETTING_BIT(SET_ONCE));
}
END_TEST

START_TEST(t_all_options)
{
	const char *const argv[] = { "portview", "-jl", "--group=port", "-d", "0.5", "--once", NULL };
	struct settings o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, 6, argv), 0);
	ck_assert(o.json && o.listening && o.once);
	ck_assert_int_eq(o.group, GROUP_PORT);
	ck_assert(o.delay == 0.5);
	ck_assert_str_eq(filter, "");
	ck_assert_uint_eq(o.given, SETTING_BIT(SET_JSON) | SETTING_BIT(SET_LISTENING) |
					   SETTING_BIT(SET_GROUP) | SETTING_BIT(SET_DELAY) |
					   SETTING_BIT(SET_ONCE));
}
END_TEST

START_TEST(t_errors)
{
	static const char *const cases[][3] = {
		{ "portview", "--group=tree",
		  "--group wants process, port, netns, host or none, not 'tree'" },
		{ "portview", "-d0", "--delay wants seconds from 0.1 to 3600, not '0'" },
		{ "portview", "--delay=nan", "--delay wants seconds" },
		{ "portview", "--delay=1e9", "--delay wants seconds" },
		{ "portview", "--delay=2x", "--delay wants seconds" },
		{ "portview", "--bogus", "unknown option '--bogus'" },
		{ "portview", "-q", "unknown option '-q'" },
		{ "portview", "--group", "option '--group' needs a value" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct settings o;
		char err[256];

		ck_assert_int_eq(parse(&o, err, 2, cases[i]), -1);
		ck_assert_msg(strstr(err, cases[i][2]), "'%s' said '%s'", cases[i][1], err);
		settings_free(&o);
	}
}
END_TEST

/* Every option of the table is accepted by its long name (flags alone,
 * the others with a value of their type), sets exactly its own bit, and
 * is listed by --help. */
START_TEST(t_every_option_from_the_table)
{
	static const char *const sample[] = {
		[SETTING_SECONDS] = "2",
		[SETTING_PATH] = "/nonexistent",
		[SETTING_COLUMNS] = "STATE,COMMAND",
		[SETTING_LIST] = "current",
		[SETTING_TEXT] = "8080/tcp",

	};
	char usage[8192] = "";
	FILE *f = fmemopen(usage, sizeof(usage) - 1, "w");

	options_usage(f);
	fclose(f);
	for (int id = 0; id < SET_COUNT; id++) {
		const struct setting_def *d = &setting_defs[id];
		char opt[64], err[256];
		struct settings o;

		if (!d->long_name)
			continue;
		if (d->type == SETTING_FLAG)
			snprintf(opt, sizeof(opt), "--%s", d->long_name);
		else
			snprintf(opt, sizeof(opt), "--%s=%s", d->long_name,
				 d->type == SETTING_CHOICE ? d->choices[1] : sample[d->type]);
		ck_assert_msg(parse(&o, err, 2, (const char *const[]){ "portview", opt, NULL }) == 0,
			      "%s: %s", opt, err);
		ck_assert_msg(o.given == SETTING_BIT(id), "%s set %#llx", opt, (unsigned long long)o.given);
		ck_assert_msg(strstr(usage, d->long_name), "--help lacks --%s", d->long_name);
		settings_free(&o);
	}
	free(filter);
	filter = NULL;
}
END_TEST

/* True when the page sets word in bold on a line of its own: ".B word"
 * or ".BR word ,", as FILES lists the settings. */
static bool man_has_bold_word(const char *man, const char *word)
{
	static const char *const macros[] = { "\n.B ", "\n.BR " };

	for (size_t m = 0; m < 2; m++) {
		for (const char *p = strstr(man, macros[m]); p; p = strstr(p + 1, macros[m])) {
			const char *w = p + strlen(macros[m]);
			size_t n = strlen(word);

			if (strncmp(w, word, n) == 0 && (w[n] == '\n' || w[n] == ' '))
				return true;
		}
	}
	return false;
}

/* The man page documents every option and every settings-file key. */
START_TEST(t_man_page_documents_every_setting)
{
	const char *path = getenv("PORTVIEW_MAN");
	static char man[1 << 17];
	size_t n;
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = fread(man, 1, sizeof(man) - 1, f);
	man[n] = '\0';
	fclose(f);
	for (int id = 0; id < SET_COUNT; id++) {
		const struct setting_def *d = &setting_defs[id];
		char want[80];

		if (d->long_name) {
			/* roff writes each hyphen of an option as \- */
			size_t k = (size_t)snprintf(want, sizeof(want), "\\-\\-");

			for (const char *c = d->long_name; *c && k + 3 < sizeof(want); c++) {
				if (*c == '-')
					want[k++] = '\\';
				want[k++] = *c;
			}
			want[k] = '\0';
			ck_assert_msg(strstr(man, want), "the man page lacks %s", want);
		}
		if (d->key)
			ck_assert_msg(man_has_bold_word(man, d->key), "the man page lacks setting %s (.B %s)",
				      d->key, d->key);
	}
}
END_TEST

CHECK_SUITE("options", t_defaults_and_filter_words, t_all_options, t_errors, t_every_option_from_the_table,
	    t_man_page_documents_every_setting)
