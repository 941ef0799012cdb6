// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify scrub and sync: start, follow or stop the target's background
 * pass, a check of both legs (the scrub message) or a copy of the data leg
 * to the reference (the sync message).  In digest mode a scrub checks the
 * data device against the digests and a sync digests it.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dmverify.h"

#define SCRUB_POLL_NS	200000000L

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void scrub_json(const struct dmv_dev *d, bool sync, double mib_s)
{
	const uint64_t *v = d->s.v;

	if (sync) {
		fputs("{\"sync\": {\"name\": ", stdout);
		json_string(stdout, d->name);
		printf(", \"running\": %s, \"position\": %" PRIu64 ", \"end\": %" PRIu64
		       ", \"unsynced\": %" PRIu64 ", \"mib_s\": %.1f}}\n",
		       v[DMV_ST_SYNC_RUNNING] ? "true" : "false",
		       v[DMV_ST_SCRUB_POSITION], v[DMV_ST_SCRUB_END],
		       v[DMV_ST_UNSYNCED_SECTORS], mib_s);
		fflush(stdout);
		return;
	}
	fputs("{\"scrub\": {\"name\": ", stdout);
	json_string(stdout, d->name);
	printf(", \"running\": %s, \"position\": %" PRIu64 ", \"end\": %" PRIu64
	       ", \"mismatches\": %" PRIu64 ", \"repaired\": %" PRIu64,
	       v[DMV_ST_SCRUB_RUNNING] ? "true" : "false",
	       v[DMV_ST_SCRUB_POSITION], v[DMV_ST_SCRUB_END],
	       v[DMV_ST_SCRUB_MISMATCHES], v[DMV_ST_REPAIRED_SECTORS]);
	/* Digest mode: the blocks with no digest, which no scrub checks. */
	if (d->t.digest[0])
		printf(", \"unknown_blocks\": %" PRIu64, v[DMV_ST_UNKNOWN_BLOCKS]);
	printf(", \"mib_s\": %.1f}}\n", mib_s);
	fflush(stdout);
}

/* One progress line on the terminal, rewritten in place. */
static void scrub_bar(const struct dmv_dev *d, bool sync, uint64_t first,
		      double mib_s)
{
	uint64_t pos = d->s.v[DMV_ST_SCRUB_POSITION];
	uint64_t end = d->s.v[DMV_ST_SCRUB_END];
	double part = end > first ? (double)(pos - first) / (end - first) : 1;
	double left = mib_s > 0 ? (end - pos) / 2048.0 / mib_s : 0;

	if (sync)
		fprintf(stderr, "\r%s: sync %5.1f%%, %.1f MiB/s, ETA %.0f s ",
			d->name, part * 100, mib_s, left);
	else
		fprintf(stderr, "\r%s: scrub %5.1f%%, %.1f MiB/s, ETA %.0f s, %" PRIu64
			" mismatching sectors ", d->name, part * 100, mib_s, left,
			d->s.v[DMV_ST_SCRUB_MISMATCHES]);
}

/* A counter's growth since @before; a reset during the pass zeroes it. */
static uint64_t grown(uint64_t now, uint64_t before)
{
	return now >= before ? now - before : now;
}

/*
 * Poll until the pass that started at sector @first ends (@found, @failed:
 * the scrub mismatches and failed pass sectors before it).  0: it
 * completed clean; 1: it completed and found mismatches (scrub only); 3:
 * it was stopped (scrub stop, suspend, halt, crash, 16 chunks in a row
 * failed), chunks of it failed (and it found no mismatch), or the device
 * went away.
 */
static int scrub_wait(struct dmv_opts *o, struct dmv_dev *d, bool sync,
		      uint64_t first, uint64_t found, uint64_t failed)
{
	const char *what = sync ? "sync" : "scrub";
	int running = sync ? DMV_ST_SYNC_RUNNING : DMV_ST_SCRUB_RUNNING;
	uint64_t last = d->s.v[DMV_ST_SCRUB_POSITION];
	/*
	 * The pass's end, as the kernel set it when it took the message: a
	 * table reload meanwhile takes over the counters but not the pass,
	 * and reports 0 for its position and end.
	 */
	uint64_t pass_end = d->s.v[DMV_ST_SCRUB_END];
	uint64_t pos;
	bool bar = !o->json && isatty(STDERR_FILENO);
	double t = now_seconds(), mib_s = 0;
	char name[DM_NAME_LEN];
	struct timespec ts;
	int r;

	/* dmv_load() clears @d, name included. */
	snprintf(name, sizeof(name), "%s", d->name);

	for (;;) {
		if (o->json)
			scrub_json(d, sync, mib_s);
		else if (bar)
			scrub_bar(d, sync, first, mib_s);
		if (!d->s.v[running])
			break;
		ts.tv_sec = 0;
		ts.tv_nsec = SCRUB_POLL_NS;
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		r = dmv_load(name, UINT64_MAX, d, false);
		if (r)
			return r;
		pos = d->s.v[DMV_ST_SCRUB_POSITION];
		mib_s = pos >= last ? (pos - last) / 2048.0 / (now_seconds() - t) : 0;
		last = pos;
		t = now_seconds();
	}
	if (bar)
		fputc('\n', stderr);
	found = grown(d->s.v[DMV_ST_SCRUB_MISMATCHES], found);
	failed = grown(d->s.v[DMV_ST_PASS_FAILED_SECTORS], failed);
	/*
	 * A halt or crash ends the pass with the chunks in flight counted as
	 * done, the rest of the halting one unchecked: ended early too.
	 */
	if (d->s.v[DMV_ST_SCRUB_POSITION] < d->s.v[DMV_ST_SCRUB_END] ||
	    d->s.v[DMV_ST_SCRUB_END] != pass_end ||
	    !strcmp(d->s.state, "halted") || !strcmp(d->s.state, "crashed")) {
		warnx("%s: %s ended at sector %" PRIu64 " of %" PRIu64
		      " (stopped, suspended, reloaded, halted, crashed, or 16 chunks in a row failed; see dmesg)",
		      d->name, what, d->s.v[DMV_ST_SCRUB_POSITION],
		      d->s.v[DMV_ST_SCRUB_END]);
		return EX_SYSTEM;
	}
	if (failed)
		warnx("%s: %s passed over %" PRIu64 " sectors it could not %s (see dmesg)",
		      d->name, what, failed, sync ? "copy" : "read or repair");
	if (sync) {
		if (!o->json)
			printf("%s: sync done, %" PRIu64 " sectors left unsynced\n",
			       d->name, d->s.v[DMV_ST_UNSYNCED_SECTORS]);
		return failed ? EX_SYSTEM : EX_CLEAN;
	}
	if (!o->json && d->t.digest[0])
		printf("%s: scrub done, %" PRIu64 " mismatching sectors, %" PRIu64
		       " blocks unknown (not checked)\n", d->name, found,
		       d->s.v[DMV_ST_UNKNOWN_BLOCKS]);
	else if (!o->json)
		printf("%s: scrub done, %" PRIu64 " mismatching sectors, %" PRIu64
		       " repaired in all\n", d->name, found,
		       d->s.v[DMV_ST_REPAIRED_SECTORS]);
	return found ? EX_MISMATCH : failed ? EX_SYSTEM : EX_CLEAN;
}

/*
 * scrub NAME [START END] [--repair] [--rate MIB] [--wait [--json]] | --stop
 * sync NAME [START END] [--rate MIB] [--wait [--json]] | --stop
 */
static int pass_command(struct dmv_opts *o, int argc, char **argv, bool sync)
{
	const char *what = sync ? "sync" : "scrub";
	uint64_t start = 0, end, before, failed;
	char msg[96], *resp = NULL;
	struct dmv_dev d;
	int r;

	if (argc == 2)
		return usage_err(dmv_cmd, "give both START and END, or neither");
	if (argc == 3 && (!parse_u64(argv[1], &start) ||
			  !parse_u64(argv[2], &end) || start >= end))
		return usage_err(dmv_cmd, "invalid range '%s %s' (sectors, START below END)",
				 argv[1], argv[2]);
	if (o->scrub_stop) {
		if (argc > 1 || o->repair || o->wait || o->have_rate || o->json)
			return usage_err(dmv_cmd, "--stop takes no range and no other option");
		return dmv_plain_message(argv[0], sync ? "sync stop" : "scrub stop");
	}
	/* The JSON is the progress of --wait: alone it would print nothing. */
	if (o->json && !o->wait)
		return usage_err(dmv_cmd, "--json needs --wait");
	r = dmv_load(argv[0], UINT64_MAX, &d, false);
	if (!r && o->have_rate) {
		snprintf(msg, sizeof(msg), "scrub_rate %u", o->rate);
		r = dmv_message(&d, msg, &resp);
		free(resp);
		resp = NULL;
	}
	if (r)
		return r;
	before = d.s.v[DMV_ST_SCRUB_MISMATCHES];
	failed = d.s.v[DMV_ST_PASS_FAILED_SECTORS];
	if (argc == 3)
		snprintf(msg, sizeof(msg), "%s%s %" PRIu64 " %" PRIu64, what,
			 o->repair ? " repair" : "", start, end);
	else
		snprintf(msg, sizeof(msg), "%s%s", what, o->repair ? " repair" : "");
	r = dmv_message(&d, msg, &resp);
	free(resp);
	if (r || !o->wait)
		return r;
	r = dmv_load(argv[0], UINT64_MAX, &d, false);
	return r ? r : scrub_wait(o, &d, sync, start, before, failed);
}

int cmd_scrub(struct dmv_opts *o, int argc, char **argv)
{
	return pass_command(o, argc, argv, false);
}

int cmd_sync(struct dmv_opts *o, int argc, char **argv)
{
	if (o->repair)
		return usage_err(dmv_cmd, "--repair is for scrub");
	return pass_command(o, argc, argv, true);
}
