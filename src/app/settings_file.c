#include "config.h"

#include "settings_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "strbuf.h"
#include "xalloc.h"

/* A settings file is a few hundred bytes; more is not one. */
enum { SETTINGS_FILE_MAX = 64 * 1024 };

char *settings_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct strbuf sb = { 0 };

	if (xdg && xdg[0] == '/')
		strbuf_printf(&sb, "%s/portview/config", xdg);
	else if (home && home[0])
		strbuf_printf(&sb, "%s/.config/portview/config", home);
	else
		return NULL;
	return sb.data;
}

struct load_ctx {
	const char *path;
	char *out;
	size_t size;
};

static void load_problem(unsigned line, const char *message, void *arg)
{
	struct load_ctx *c = arg;
	size_t used = strlen(c->out);

	if (used + 1 < c->size)
		snprintf(c->out + used, c->size - used, "%s%s:%u: %s", used ? "; " : "", c->path, line,
			 message);
}

int settings_load(const char *path, bool missing_ok, struct settings *s, char *problems, size_t size)
{
	struct load_ctx ctx = { path, problems, size };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	char *buf;
	ssize_t n, total = 0;
	struct stat st;
	unsigned bad, good;

	problems[0] = '\0';
	if (fd < 0) {
		if (errno == ENOENT && missing_ok)
			return 0;
		snprintf(problems, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(problems, size, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	buf = xmalloc(SETTINGS_FILE_MAX + 1);
	while (total <= SETTINGS_FILE_MAX &&
	       (n = read(fd, buf + total, (size_t)(SETTINGS_FILE_MAX + 1 - total))) > 0)
		total += n;
	close(fd);
	if (total > SETTINGS_FILE_MAX) {
		snprintf(problems, size, "%s: larger than %d bytes; not read", path, SETTINGS_FILE_MAX);
		free(buf);
		return -1;
	}
	bad = settings_parse(s, buf, (size_t)total, load_problem, &ctx, &good);
	free(buf);
	if (bad && !good) {
		/* Nothing in it is a setting: say so, and nothing of its lines. */
		snprintf(problems, size, "%s: not a settings file (no line is a setting)", path);
		return -1;
	}
	return 0;
}

/* Creates each missing folder of path's parent, as mkdir -p would. */
static int make_parents(const char *path)
{
	char *copy = xstrdup(path), *p;
	int ret = 0;

	for (p = copy + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			ret = -1;
		*p = '/';
	}
	free(copy);
	return ret;
}

int settings_save(const char *path, const struct settings *s, char *err, size_t errsize)
{
	struct strbuf text = { 0 }, tmp = { 0 };
	int fd, ret = -1;

	settings_format(s, &text);
	make_parents(path);
	strbuf_printf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	/* All of it on disk before the rename makes it the settings file. */
	if (write(fd, text.data, text.len) != (ssize_t)text.len || fsync(fd) < 0) {
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp.data);
		goto out;
	}
	close(fd);
	if (rename(tmp.data, path) < 0) {
		snprintf(err, errsize, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	ret = 0;
out:
	strbuf_free(&text);
	strbuf_free(&tmp);
	return ret;
}
