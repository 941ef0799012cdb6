// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify: numbers, policies, and the verify target's table, status and
 * mismatch-log lines.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dmverify.h"

/* X-macro expanders: each uses one of the two names of a line. */
const char *const dmv_status_names[DMV_NR_STATUS] = {
#define X(e, n) #n,
	VERIFY_STATUS_FIELDS(X)
#undef X
};

const char *const dmv_policy_names[] = {
#define X(e, n) #n,
	VERIFY_POLICIES(X)
#undef X
};

const unsigned int dmv_nr_policies = ARRAY_SIZE(dmv_policy_names);

bool parse_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

bool parse_seconds(const char *s, double *v)
{
	char *end;
	double x;

	if (!s || !*s)
		return false;
	errno = 0;
	x = strtod(s, &end);
	/* Below a millisecond the sleep is none at all: a busy loop. */
	if (errno || *end || !(x >= 0.001) || x > 86400)
		return false;
	*v = x;
	return true;
}

bool valid_policy(const char *p)
{
	unsigned int i;

	for (i = 0; i < dmv_nr_policies; i++)
		if (!strcmp(p, dmv_policy_names[i]))
			return true;
	return false;
}

/*
 * crash --lost: "all", "prob:PPM" or "torn:PPM" into the message's words
 * (@mode, and @ppm for the last two).
 */
bool parse_lost(const char *s, const char **mode, unsigned int *ppm)
{
	static const char *const modes[] = { "prob", "torn" };
	uint64_t v;
	size_t i, len;

	if (!strcmp(s, "all")) {
		*mode = "all";
		*ppm = 0;
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		len = strlen(modes[i]);
		if (strncmp(s, modes[i], len) || s[len] != ':')
			continue;
		if (!parse_u64(s + len + 1, &v) || v > VERIFY_PPM)
			return false;
		*mode = modes[i];
		*ppm = v;
		return true;
	}
	return false;
}

/* "log, error, reference or halt", from VERIFY_POLICIES. */
const char *policy_choices(void)
{
	static char buf[128];
	unsigned int i;
	size_t len = 0;

	if (buf[0])
		return buf;
	for (i = 0; i < dmv_nr_policies; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
				!i ? "" : i + 1 < dmv_nr_policies ? ", " : " or ",
				dmv_policy_names[i]);
	return buf;
}

/* Write " word" for each whitespace-separated word of @s; returns the count. */
unsigned int put_words(FILE *f, const char *s)
{
	unsigned int n = 0;

	while (*s) {
		const char *w;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		w = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		fprintf(f, " %.*s", (int)(s - w), w);
		n++;
	}
	return n;
}

/*
 * "<data> <data_off> <ref> <ref_off> [<#features> <feature>...]"; features
 * are on_mismatch P, seed N, write_cache MIB, fault N <N words>, digest
 * <major:minor|-> and digest_block BYTES.
 */
bool parse_table(const char *params, struct dmv_table *t)
{
	char *copy = strdup(params ? params : ""), *save = NULL, *w;
	char **words;
	unsigned int n = 0, i;
	uint64_t v;
	bool ok = false;

	if (!copy)
		return false;
	/* At most one word per two characters. */
	words = calloc(strlen(copy) / 2 + 2, sizeof(*words));
	if (!words) {
		free(copy);
		return false;
	}
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	snprintf(t->policy, sizeof(t->policy), "%s", dmv_policy_names[0]);
	t->have_seed = false;
	t->nr_faults = 0;
	t->write_cache = 0;
	t->digest[0] = '\0';
	t->digest_block = 0;
	if (n < 4)
		goto out;
	snprintf(t->data, sizeof(t->data), "%s", words[0]);
	snprintf(t->ref, sizeof(t->ref), "%s", words[2]);
	if (!parse_u64(words[1], &t->data_off) ||
	    !parse_u64(words[3], &t->ref_off))
		goto out;
	ok = true;
	for (i = 5; i < n; i++) {
		if (!strcmp(words[i], "on_mismatch") && i + 1 < n) {
			snprintf(t->policy, sizeof(t->policy), "%s", words[++i]);
		} else if (!strcmp(words[i], "seed") && i + 1 < n) {
			if (parse_u64(words[++i], &v)) {
				t->have_seed = true;
				t->seed = v;
			}
		} else if (!strcmp(words[i], "write_cache") && i + 1 < n) {
			if (!parse_u64(words[++i], &t->write_cache))
				t->write_cache = 0;
		} else if (!strcmp(words[i], "digest") && i + 1 < n) {
			snprintf(t->digest, sizeof(t->digest), "%s", words[++i]);
		} else if (!strcmp(words[i], "digest_block") && i + 1 < n) {
			if (parse_u64(words[++i], &v) && v <= UINT32_MAX)
				t->digest_block = v;
		} else if (!strcmp(words[i], "fault") && i + 1 < n) {
			if (parse_u64(words[++i], &v) && v < n) {
				i += v;
				t->nr_faults++;
			}
		}
	}
out:
	free(words);
	free(copy);
	return ok;
}

/*
 * "<state> <field>..." in the order of VERIFY_STATUS_FIELDS; "-" is a field
 * without a value.  Sectors are made device-relative with @start.  Later
 * fields are ignored: the status line is append only.
 */
bool parse_status(const char *params, struct dmv_status *s, uint64_t start)
{
	char *copy = strdup(params ? params : ""), *save = NULL, *w;
	unsigned int n = 0;
	bool ok = false;

	if (!copy)
		return false;
	memset(s, 0, sizeof(*s));
	for (w = strtok_r(copy, " ", &save); w && n <= DMV_NR_STATUS;
	     w = strtok_r(NULL, " ", &save), n++) {
		if (n == 0) {
			snprintf(s->state, sizeof(s->state), "%s", w);
			continue;
		}
		if (!strcmp(w, "-"))
			continue;
		if (!parse_u64(w, &s->v[n - 1]))
			goto out;
		if (n - 1 == DMV_ST_LAST_MISMATCH)
			s->v[n - 1] += start;
		s->have |= 1ULL << (n - 1);
	}
	/*
	 * Fields are only ever appended: an older module's line is shorter,
	 * and the fields it lacks stay without their bit ("-").
	 */
	ok = n >= 2;
out:
	free(copy);
	return ok;
}

/* "<seq> <sector> <offset> <bad> <bio_sector>+<bio_sectors> data=<hex> ref=<hex>" */
bool parse_mismatch(char *line, struct dmv_mismatch *m, uint64_t start)
{
	char *data = strstr(line, " data="), *ref = strstr(line, " ref=");

	if (!data || !ref || ref < data)
		return false;
	*data = '\0';
	*ref = '\0';
	if (sscanf(line, "%" SCNu64 " %" SCNu64 " %u %u %" SCNu64 "+%u",
		   &m->seq, &m->sector, &m->offset, &m->bad, &m->bio_sector,
		   &m->bio_sectors) != 6)
		return false;
	m->sector += start;
	m->bio_sector += start;
	snprintf(m->data, sizeof(m->data), "%s", data + 6);
	snprintf(m->ref, sizeof(m->ref), "%s", ref + 5);
	return true;
}
