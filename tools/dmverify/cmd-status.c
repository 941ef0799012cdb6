// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify status, list and watch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dmverify.h"

int cmd_status(struct dmv_opts *o, int argc, char **argv)
{
	struct dmv_out *out;
	struct dmv_dev d;
	int r;

	(void)argc;
	r = output_new(&out, DMV_OUT_DEVICE, o, dmv_cmd);
	if (r)
		goto out;
	r = dmv_load(argv[0], UINT64_MAX, &d, false);
	if (r)
		goto out;
	if (o->json) {
		output_device(out, &d);
		output_print(out);
	} else {
		output_device_pairs(out, stdout, &d, NULL);
	}
	r = dmv_state_exit(&d);
out:
	output_free(out);
	return r;
}

/* Every dm device with a verify target. */
int cmd_list(struct dmv_opts *o, int argc, char **argv)
{
	struct dm_task *dmt = NULL;
	struct dm_names *names;
	struct dmv_out *out;
	unsigned int next = 0, count = 0;
	int r, ret = EX_CLEAN;

	(void)argc;
	(void)argv;
	r = output_new(&out, DMV_OUT_DEVICE, o, dmv_cmd);
	if (!r)
		r = dmv_list_names(&dmt, &names);
	if (r) {
		output_free(out);
		return r;
	}
	while (names) {
		struct dmv_dev d;

		names = (struct dm_names *)((char *)names + next);
		next = names->next;
		if (!dmv_load(names->name, UINT64_MAX, &d, true)) {
			output_device(out, &d);
			count++;
			if (dmv_state_exit(&d))
				ret = EX_MISMATCH;
		}
		if (!next)
			break;
	}
	if (count || o->json)
		output_print(out);
	if (!count && !o->json)
		fprintf(stderr, "No verify devices found.\n");
	output_free(out);
	dm_task_destroy(dmt);
	return ret;
}

static volatile sig_atomic_t stop_watch;

static void on_signal(int sig)
{
	(void)sig;
	stop_watch = 1;
}

int cmd_watch(struct dmv_opts *o, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct dmv_opts all = { 0 };
	struct dmv_status prev;
	struct dmv_out *out;
	struct dmv_dev d;
	uint64_t i;
	bool tty = isatty(STDOUT_FILENO), have_prev = false;
	const char *term = getenv("TERM");
	int r = EX_CLEAN;

	(void)argc;
	if (term && !strcmp(term, "dumb"))
		tty = false;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = output_new(&out, DMV_OUT_DEVICE, &all, dmv_cmd);
	if (r)
		return r;

	for (i = 0; !stop_watch && (!o->count || i < o->count); i++) {
		struct timespec ts;
		char when[64];
		time_t now;

		if (i) {
			ts.tv_sec = (time_t)o->interval;
			ts.tv_nsec = (long)((o->interval - (double)ts.tv_sec) * 1e9);
			while (nanosleep(&ts, &ts) && errno == EINTR && !stop_watch)
				;
			if (stop_watch)
				break;
		}
		r = dmv_load(argv[0], UINT64_MAX, &d, false);
		if (r)
			break;
		now = time(NULL);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
			 localtime(&now));
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (i)
			putchar('\n');
		printf("dmverify watch %s: every %gs, %s%s\n", d.name, o->interval,
		       when, tty ? " (Ctrl-C quits)" : "");
		output_device_pairs(out, stdout, &d, have_prev ? &prev : NULL);
		fflush(stdout);
		prev = d.s;
		have_prev = true;
		r = dmv_state_exit(&d);
	}
	output_free(out);
	return r;
}
