#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "columns.h"
#include "dash.h"
#include "keys.h"
#include "sanitize.h"
#include "xalloc.h"

const struct kill_signal kill_signals[KILL_SIGNAL_COUNT] = {
	{ SIGTERM, "TERM", "end cleanly (the usual way)" },
	{ SIGINT, "INT", "interrupt, as Ctrl-C does" },
	{ SIGHUP, "HUP", "many servers reload their configuration" },
	{ SIGQUIT, "QUIT", "quit; many leave a core dump" },
	{ SIGUSR1, "USR1", "the program's own meaning (nginx: reopen logs)" },
	{ SIGUSR2, "USR2", "the program's own meaning" },
	{ SIGSTOP, "STOP", "freeze it until CONT (cannot be caught)" },
	{ SIGCONT, "CONT", "let a stopped process run again" },
	{ SIGKILL, "KILL", "end at once, no clean-up (cannot be caught)" },
};

/* Signals, closes and binds act on this machine: with --remote every
 * socket shown is another host's, whose pids and cookies mean nothing
 * here. Says so and returns true then. */
bool dash_refuse_remote(struct dash *d, const char *what)
{
	if (!d->view.snap || !d->view.snap->nhosts)
		return false;
	dash_status(d, true, "%s acts on this machine only; these sockets are on other hosts (--remote)",
		    what);
	return true;
}

bool dash_kill_pick(struct dash *d)
{
	const struct pv_row *r = view_current(&d->view);
	const struct pv_snapshot *s = d->view.snap;
	const struct pv_process *p = NULL;
	struct strbuf sb = { 0 };

	if (!r)
		return false;
	if (r->kind == ROW_GROUP && d->view.rows.groups[r->index].kind == GK_PROCESS) {
		p = &s->procs[d->view.rows.groups[r->index].proc];
	} else if (r->kind == ROW_SOCKET) {
		int32_t o = rows_primary_owner(s, &s->socks[r->index]);

		p = o >= 0 ? &s->procs[o] : NULL;
	}
	if (!p)
		return false;
	d->kill.pid = p->pid;
	d->kill.start_time = p->start_time;
	sanitize_append(&sb, p->comm, strlen(p->comm), d->utf8);
	strbuf_printf(&sb, " (pid %d, user ", p->pid);
	column_format_user(&sb, p->user, p->uid, d->utf8);
	strbuf_putc(&sb, ')');
	free(d->kill.label);
	d->kill.label = xstrdup(strbuf_str(&sb));
	strbuf_free(&sb);
	return true;
}

/* The host checks that the pid still names the same process: pids are
 * reused, and the wrong process must never be hit. */
static void dash_kill_send(struct dash *d)
{
	const struct kill_signal *ks = &kill_signals[d->kill_choice];

	if (d->host->signal_process(d->host->ctx, d->kill.pid, d->kill.start_time, ks->number) == 0)
		dash_status(d, false, "sent SIG%s to %s", ks->name, d->kill.label);
	else if (errno == ESRCH)
		dash_status(d, true, "%s has exited; no signal sent", d->kill.label);
	else
		dash_status(d, true, "cannot send SIG%s to %s: %s", ks->name, d->kill.label, strerror(errno));
	d->dirty |= EFFECT_RESCAN;
}

void dash_kill_key(struct dash *d, wint_t ch, bool is_key)
{
	enum key_action a = keys_lookup_menu(KEYMAP_KILL, ch, is_key);

	d->dirty |= EFFECT_REDRAW;
	if (d->mode == MODE_KILL_CONFIRM) {
		if (a == ACT_KILL_YES)
			dash_kill_send(d);
		else if (a == ACT_QUIT)
			d->quit = true;
		else
			dash_status(d, false, "no signal sent");
		d->mode = MODE_LIST;
		return;
	}
	/* Only what the list shows chooses: arrows and the numbers beside
	 * the names. A letter does nothing, so that a second k, or a key
	 * meant for the list, never turns TERM into something else. */
	if (!is_key && ch >= '1' && ch < '1' + KILL_SIGNAL_COUNT) {
		d->kill_choice = (int)(ch - '1');
		return;
	}
	if (dash_menu_move(&d->kill_choice, KILL_SIGNAL_COUNT, a))
		return;
	switch (a) {
	case ACT_KILL_CHOOSE: d->mode = MODE_KILL_CONFIRM; return;
	case ACT_MENU_CLOSE:
		dash_status(d, false, "no signal sent");
		d->mode = MODE_LIST;
		return;
	case ACT_QUIT: d->quit = true; return;
	default: return;
	}
}

bool dash_close_pick(struct dash *d)
{
	const struct pv_row *r = view_current(&d->view);
	const struct pv_snapshot *s = d->view.snap;
	const struct pv_socket *k = r && r->kind == ROW_SOCKET ? &s->socks[r->index] : NULL;
	struct strbuf sb = { 0 };

	if (dash_refuse_remote(d, "K"))
		return false;
	if (!k || socket_is_unix(k) || socket_is_listener(k) || !k->remote.port || k->gone ||
	    socket_is_minisocket(k->proto, k->state)) {
		dash_status(d, true,
			    "K closes a TCP or UDP connection: select one (not a listener, nor TIME_WAIT)");
		return false;
	}
	d->close_target = *k;
	column_format_connection(s, k, d->utf8, &sb);
	free(d->close_label);
	d->close_label = xstrdup(strbuf_str(&sb));
	strbuf_free(&sb);
	return true;
}

void dash_close_key(struct dash *d, wint_t ch, bool is_key)
{
	enum key_action a = keys_lookup_menu(KEYMAP_KILL, ch, is_key);
	char err[200];

	d->dirty |= EFFECT_REDRAW;
	d->mode = MODE_LIST;
	if (a == ACT_QUIT) {
		d->quit = true;
	} else if (a != ACT_KILL_YES) {
		dash_status(d, false, "nothing closed");
	} else if (d->host->close_socket(d->host->ctx, &d->close_target, err, sizeof(err)) == 0) {
		dash_status(d, false, "closed %s", d->close_label);
		d->dirty |= EFFECT_RESCAN;
	} else {
		dash_status(d, true, "not closed: %s", err);
	}
}
