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

/* The settings folder's file called name, by the XDG rules. */
char *settings_folder_file(const char *name)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct strbuf sb = { 0 };

	if (xdg && xdg[0] == '/')
		strbuf_printf(&sb, "%s/portview/%s", xdg, name);
	else if (home && home[0])
		strbuf_printf(&sb, "%s/.config/portview/%s", home, name);
	else
		return NULL;
	return sb.data;
}

char *settings_default_path(void)
{
	return settings_folder_file("config");
}

/* Reads a small regular file whole: *buf (free it) gets its bytes. A
 * missing file is *len 0 and no error when missing_ok. Returns 0, or -1
 * with a message naming path and nothing of its content. */
static int small_file_read(const char *path, bool missing_ok, char **buf, size_t *len, char *err,
			   size_t errsize)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	ssize_t n, total = 0;
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT && missing_ok)
			return 0;
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsize, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	*buf = xmalloc(SETTINGS_FILE_MAX + 1);
	while (total <= SETTINGS_FILE_MAX &&
	       (n = read(fd, *buf + total, (size_t)(SETTINGS_FILE_MAX + 1 - total))) > 0)
		total += n;
	close(fd);
	if (total > SETTINGS_FILE_MAX) {
		snprintf(err, errsize, "%s: larger than %d bytes; not read", path, SETTINGS_FILE_MAX);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	*len = (size_t)total;
	return 0;
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
	char *buf;
	size_t len;
	unsigned bad, good;

	problems[0] = '\0';
	if (small_file_read(path, missing_ok, &buf, &len, problems, size) < 0)
		return -1;
	if (!buf)
		return 0;
	bad = settings_parse(s, buf, len, load_problem, &ctx, &good);
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

/* Replaces path with text atomically: a temporary file in the same
 * folder, all of it on disk, then rename. */
static int file_replace(const char *path, const struct strbuf *text, mode_t mode, char *err, size_t errsize)
{
	struct strbuf tmp = { 0 };
	int fd, ret = -1;

	make_parents(path);
	strbuf_printf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	if (write(fd, text->data, text->len) != (ssize_t)text->len || fsync(fd) < 0) {
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
	strbuf_free(&tmp);
	return ret;
}

int settings_save(const char *path, const struct settings *s, char *err, size_t errsize)
{
	struct strbuf text = { 0 };
	int ret;

	settings_format(s, &text);
	ret = file_replace(path, &text, 0644, err, errsize);
	strbuf_free(&text);
	return ret;
}

int history_load(const char *path, struct line_history *h, char *err, size_t errsize)
{
	char *buf;
	size_t len;

	history_free(h);
	if (small_file_read(path, true, &buf, &len, err, errsize) < 0)
		return -1;
	/* Lines that are no filter (control bytes, too long) are dropped. */
	history_parse(h, buf ? buf : "", len);
	free(buf);
	return 0;
}

int history_save(const char *path, const struct line_history *h, char *err, size_t errsize)
{
	struct strbuf text = { 0 };
	int ret;

	/* What someone looked for is theirs alone. */
	history_format(h, &text);
	ret = file_replace(path, &text, 0600, err, errsize);
	strbuf_free(&text);
	return ret;
}
