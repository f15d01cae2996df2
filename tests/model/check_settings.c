/* The settings file's format: every setting, every error with its line
 * number, and writing then reading back. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "columns.h"
#include "settings.h"

static char problems[2048];

static void collect(unsigned line, const char *message, void *arg)
{
	size_t used = strlen(problems);

	(void)arg;
	snprintf(problems + used, sizeof(problems) - used, "%u: %s|", line, message);
}

static unsigned parse(struct settings *s, const char *text)
{
	problems[0] = '\0';
	settings_defaults(s);
	return settings_parse(s, text, strlen(text), collect, NULL, NULL);
}

START_TEST(t_every_setting)
{
	struct settings s;

	ck_assert_uint_eq(
		parse(&s,
		      "# a comment\n\n  group = port  \nsort=IN/s\r\nreverse = yes\n"
		      "delay = 2.5\nhighlight = 0\ncolour = no\ncolumns = STATE, REMOTE USER\nlean = on\nunix = yes\nresolve = yes\n"
		      "owners = proc\nnetns = current, db\n"),
		0);
	ck_assert_str_eq(problems, "");
	ck_assert_int_eq(s.group, GROUP_PORT);
	ck_assert_int_eq(s.sort_column, COL_RATE_IN);
	ck_assert(s.reverse && !s.color && s.lean && s.unix_sockets && s.resolve);
	ck_assert(s.delay == 2.5 && s.highlight == 0);
	ck_assert_int_eq(s.owners, PV_OWNERS_PROC);
	ck_assert_str_eq(s.netns, "current,db");
	/* PROTO, LOCAL and PROCESS always show; the rest as listed. */
	ck_assert_uint_eq(s.hidden_columns, 1u << COL_RECVQ | 1u << COL_SENDQ | 1u << COL_RATE_IN |
						    1u << COL_RATE_OUT | 1u << COL_HOST | 1u << COL_NETNS |
						    1u << COL_COMMAND | columns_hidden_by_default());
	for (int id = 0; id < SET_COUNT; id++)
		ck_assert_msg(!(s.given & SETTING_BIT(id)) == !setting_defs[id].key, "%s given: %d",
			      setting_defs[id].long_name, !!(s.given & SETTING_BIT(id)));
	settings_free(&s);
	ck_assert_uint_eq(parse(&s, "sort = natural\ngroup = NONE\n"), 0);
	ck_assert_int_eq(s.sort_column, -1);
	ck_assert_int_eq(s.group, GROUP_NONE);
	ck_assert_uint_eq(s.given, SETTING_BIT(SET_GROUP) | SETTING_BIT(SET_SORT));
	settings_free(&s);
}
END_TEST

START_TEST(t_every_error_names_its_line)
{
	struct settings s;

	ck_assert_uint_eq(parse(&s, "group = port\nnonsense\ncolour: red\nwidth = 3\ngroup = tree\n"
				    "sort = SPEED\nreverse = maybe\ndelay = 0\ndelay = abc\ndelay = 99999\n"
				    "highlight = -1\ncolumns = PROTO BOGUS\nlean = \n= 3\n"),
			  13);
	ck_assert_str_eq(problems, "2: expected 'name = value'|"
				   "3: expected 'name = value'|"
				   "4: unknown setting 'width'|"
				   "5: group wants process, port, netns, host or none|"
				   "6: sort wants natural or a column name|"
				   "7: reverse wants yes or no|"
				   "8: delay wants seconds from 0.1 to 3600|"
				   "9: delay wants seconds from 0.1 to 3600|"
				   "10: delay wants seconds from 0.1 to 3600|"
				   "11: highlight wants seconds from 0 to 3600|"
				   "12: unknown column|"
				   "13: lean wants yes or no|"
				   "14: not a setting|");
	/* A file's lines are never quoted back beyond a key that looks like
	 * one: a secret in a value, a key or a base64 line stays unsaid. */
	ck_assert_uint_eq(parse(&s, "db_password = hunter2\nAPI_KEY = k3y\ngroup = s3cr3t\n"
				    "AAAAB3NzaC1yc2EAAAADAQAB+/x== user@host\n"),
			  4);
	ck_assert_str_eq(problems, "1: unknown setting 'db_password'|"
				   "2: not a setting|"
				   "3: group wants process, port, netns, host or none|"
				   "4: not a setting|");
	ck_assert_uint_eq(parse(&s, "group = port\nnonsense\ncolour: red\nwidth = 3\ngroup = tree\n"
				    "sort = SPEED\nreverse = maybe\ndelay = 0\ndelay = abc\ndelay = 99999\n"
				    "highlight = -1\ncolumns = PROTO BOGUS\nlean = \n= 3\n"),
			  13);
	/* The good line stays; bad ones change nothing. */
	ck_assert_int_eq(s.group, GROUP_PORT);
	ck_assert(s.delay == 1 && s.highlight == 3 && !s.reverse);
	ck_assert_uint_eq(s.given, SETTING_BIT(SET_GROUP));
}
END_TEST

START_TEST(t_not_text)
{
	struct settings s;
	char big[3000];
	static const char nul[] = "group = port\0junk\ndelay = 2\n";

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_uint_eq(parse(&s, big), 1);
	ck_assert_str_eq(problems, "1: not a setting: too long, or not text|");
	problems[0] = '\0';
	ck_assert_uint_eq(settings_parse(&s, nul, sizeof(nul) - 1, collect, NULL, NULL), 1);
	ck_assert(s.delay == 2);
	ck_assert_uint_eq(s.given & SETTING_BIT(SET_GROUP), 0);
}
END_TEST

START_TEST(t_written_settings_read_back)
{
	struct settings out = {
		.group = GROUP_NONE, .sort_column = COL_RATE_OUT, .reverse = true, .delay = 0.5,
		.highlight = 10, .color = false, .hidden_columns = 1u << COL_USER | 1u << COL_SENDQ,
		.lean = true, .unix_sockets = true, .resolve = true,
	}, in;
	struct strbuf text = { 0 };

	settings_format(&out, &text);
	ck_assert_uint_eq(parse(&in, strbuf_str(&text)), 0);
	ck_assert_int_eq(in.group, out.group);
	ck_assert_int_eq(in.sort_column, out.sort_column);
	ck_assert(in.reverse && !in.color && in.lean && in.unix_sockets && in.resolve);
	ck_assert(in.delay == 0.5 && in.highlight == 10);
	ck_assert_uint_eq(in.hidden_columns, out.hidden_columns);
	strbuf_free(&text);
}
END_TEST

/* The defaults come from the table's rows and every one of them parses. */
START_TEST(t_defaults_from_the_table)
{
	struct settings s;
	char err[160];

	settings_defaults(&s);
	ck_assert(s.delay == 1 && s.highlight == 3 && s.color && !s.lean && !s.reverse);
	ck_assert_int_eq(s.group, GROUP_PROCESS);
	ck_assert_int_eq(s.sort_column, -1);
	ck_assert_uint_eq(s.hidden_columns, columns_hidden_by_default());
	ck_assert_uint_eq(s.given, 0);
	for (int id = 0; id < SET_COUNT; id++) {
		const char *v = setting_defs[id].default_value;

		if (v)
			ck_assert_msg(setting_parse(&s, (enum setting_id)id, "x", v, strlen(v), err,
						    sizeof(err)) == 0,
				      "default of %s: %s", setting_defs[id].key, err);
	}
}
END_TEST

/* Only what from gave is copied; the rest stays. */
START_TEST(t_merge_takes_what_was_given)
{
	struct settings s, from;
	char err[160];

	settings_defaults(&s);
	settings_defaults(&from);
	from.highlight = 7; /* not given: must not be copied */
	ck_assert_int_eq(setting_parse(&from, SET_DELAY, "delay", "2.5", 3, err, sizeof(err)), 0);
	ck_assert_int_eq(setting_parse(&from, SET_CONFIG, "--config", "/x", 2, err, sizeof(err)), 0);
	setting_set_flag(&from, SET_COLOR);
	settings_merge(&s, &from);
	ck_assert(s.delay == 2.5 && s.highlight == 3 && !s.color);
	ck_assert_str_eq(s.config, "/x");
	ck_assert_uint_eq(s.given, SETTING_BIT(SET_DELAY) | SETTING_BIT(SET_CONFIG) | SETTING_BIT(SET_COLOR));
	settings_free(&s);
	settings_free(&from);
}
END_TEST

CHECK_SUITE("settings", t_defaults_from_the_table, t_merge_takes_what_was_given, t_every_setting,
	    t_every_error_names_its_line, t_not_text, t_written_settings_read_back)
