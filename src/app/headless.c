#include "config.h"

#include "headless.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

static volatile sig_atomic_t stop_asked;

static void on_stop(int sig)
{
	(void)sig;
	stop_asked = 1;
}

void headless_catch_stop(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool headless_stopped(void)
{
	return stop_asked != 0;
}

void headless_sleep(double seconds)
{
	struct timespec pause = { .tv_sec = (time_t)seconds };

	pause.tv_nsec = (long)((seconds - (double)pause.tv_sec) * 1e9);
	while (!stop_asked && nanosleep(&pause, &pause) < 0 && errno == EINTR)
		;
}
