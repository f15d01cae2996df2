#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "options.h"

/* getopt wants writable argv strings; literals are const. */
static int parse(struct options *o, char *err, int argc, const char *const *args)
{
	char *argv[16];
	int i, ret;

	for (i = 0; i < argc; i++)
		argv[i] = strdup(args[i]);
	argv[argc] = NULL;
	ret = options_parse(argc, argv, o, err, 256);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return ret;
}

START_TEST(t_defaults_and_filter_words)
{
	const char *const argv[] = { "portview", "--once", "port:80", "|", "udp", NULL };
	struct options o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, 5, argv), 0);
	ck_assert(o.once);
	ck_assert(!o.json && !o.listening);
	ck_assert_int_eq(o.group, GROUP_PROCESS);
	ck_assert(o.delay == 1.0);
	ck_assert_str_eq(o.filter, "port:80 | udp");
	free(o.filter);
}
END_TEST

START_TEST(t_all_options)
{
	const char *const argv[] = { "portview", "-jl", "--group=port", "-d", "0.5", "--once", NULL };
	struct options o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, 6, argv), 0);
	ck_assert(o.json && o.listening && o.once);
	ck_assert_int_eq(o.group, GROUP_PORT);
	ck_assert(o.delay == 0.5);
	ck_assert_str_eq(o.filter, "");
	free(o.filter);
}
END_TEST

START_TEST(t_errors)
{
	static const char *const cases[][3] = {
		{ "portview", "--group=tree", "--group wants process, port or none, not 'tree'" },
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
		struct options o;
		char err[256];

		ck_assert_int_eq(parse(&o, err, 2, cases[i]), -1);
		ck_assert_msg(strstr(err, cases[i][2]), "'%s' said '%s'", cases[i][1], err);
	}
}
END_TEST

CHECK_SUITE("options",
	t_defaults_and_filter_words,
	t_all_options,
	t_errors)
