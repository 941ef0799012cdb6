// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify: columns and their output, as lsblk and findmnt do it:
 * libsmartcols prints the tables (aligned, raw with -r, without headings
 * with -n) and the JSON (-J), -o picks the columns.
 *
 * Why libsmartcols and not libdevmapper's dm_report (dmsetup's report
 * engine, which the tool links anyway): the commands here print lists of
 * devices, rules and mismatches whose users know lsblk and findmnt, and
 * libsmartcols gives exactly their options and output, including typed
 * JSON (numbers as numbers, missing values as null).  dm_report's "json"
 * format prints every value as a string ("json_std", which types numbers,
 * is only in libdevmapper releases newer than Debian 12's), its options
 * are dmsetup's (-o with field prefixes, --separator, --reportformat), and
 * its report types are meant for dm devices, not for fault rules or
 * mismatch log entries.
 *
 * A column's name is its JSON key and, upper-cased, its heading.  The
 * status fields come from dm-verify-schema.h, so a field added there is a
 * column here.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <err.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dmverify.h"

struct dmv_col {
	const char *name;	/* JSON key; upper-cased for the heading */
	double whint;
	int flags;
	int json;
	const char *help;
};

#define NUM(n, h)	{ n, 0, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, h }
#define STR(n, h)	{ n, 0, 0, SCOLS_JSON_STRING, h }

/* ---- device columns (status, list) ---- */

enum {
	DCOL_NAME,
	DCOL_DEVICE,
	DCOL_START,
	DCOL_LENGTH,
	DCOL_DATA_DEVICE,
	DCOL_DATA_DEVNO,
	DCOL_DATA_OFFSET,
	DCOL_REF_DEVICE,
	DCOL_REF_DEVNO,
	DCOL_REF_OFFSET,
	DCOL_ON_MISMATCH,
	DCOL_SEED,
	DCOL_FAULT_RULES,
	DCOL_WRITE_CACHE,
	DCOL_DIGEST,
	DCOL_DIGEST_BLOCK,
	DCOL_STATE,
	DCOL_STATUS,		/* + enum dmv_status_field */
	DCOL_NR = DCOL_STATUS + DMV_NR_STATUS
};

static const char *const status_help[DMV_NR_STATUS] = {
	[DMV_ST_READS] = "read bios",
	[DMV_ST_WRITES] = "write and write-zeroes bios",
	[DMV_ST_FLUSHES] = "flush bios",
	[DMV_ST_DISCARDS] = "discard bios",
	[DMV_ST_MISMATCHED_READS] = "reads whose data differed from the reference",
	[DMV_ST_MISMATCHED_SECTORS] = "differing sectors of those reads",
	[DMV_ST_STATUS_MISMATCHES] = "bios whose legs completed with different status",
	[DMV_ST_FAULTS_INJECTED] = "faults the injector caused",
	[DMV_ST_UNVERIFIED_SECTORS] = "sectors read but not compared",
	[DMV_ST_LAST_MISMATCH] = "last mismatching sector, or none",
	[DMV_ST_UNVERIFIED_RANGES] = "undefined ranges (not compared)",
	[DMV_ST_UNVERIFIED_SPAN] = "sectors in those ranges",
	[DMV_ST_UNVERIFIED_MERGES] = "ranges widened to keep their number bounded",
	[DMV_ST_VOLATILE_SECTORS] = "sectors written and not yet flushed",
	[DMV_ST_CRASHES] = "power cuts (crash message or rule)",
	[DMV_ST_LOST_WRITES] = "volatile writes undone by the crashes",
	[DMV_ST_WRITE_CACHE_BYTES] = "bytes of undo copies the write cache holds",
	[DMV_ST_SCRUB_RUNNING] = "1 while a scrub pass runs",
	[DMV_ST_SCRUB_POSITION] = "next target sector the pass checks",
	[DMV_ST_SCRUB_END] = "end of the pass's range, in target sectors (exclusive)",
	[DMV_ST_SCRUB_MISMATCHES] = "sectors scrub passes found differing",
	[DMV_ST_REPAIRED_SECTORS] = "data-leg sectors scrub repair rewrote",
	[DMV_ST_VOLATILE_RANGES] = "ranges tracking the volatile sectors",
	[DMV_ST_SYNC_RUNNING] = "1 while a sync pass runs",
	[DMV_ST_UNSYNCED_SECTORS] = "sectors a sync has yet to copy (not compared)",
	[DMV_ST_UNKNOWN_BLOCKS] = "digest mode: blocks whose digest is unknown (not verified)",
	[DMV_ST_PARTIAL_BLOCK_WRITES] = "digest mode: writes that covered a block in part (a known block is read and kept known)",
	[DMV_ST_DIRTY_REGIONS] = "digest mode, metadata device: write-intent regions set (unknown after an unclean shutdown)",
	[DMV_ST_METADATA_ERRORS] = "writes to the metadata device that failed (saves, write intent, marking it stale)",
	[DMV_ST_REREAD_MATCHES] = "reads that differed and matched when read again (not reported)",
	[DMV_ST_PASS_FAILED_SECTORS] = "sectors of sync and scrub chunks that failed (a leg's read, a copy or a repair; passed over)",
};

static struct dmv_col device_cols[DCOL_NR] = {
	[DCOL_NAME] = STR("name", "device-mapper device name"),
	[DCOL_DEVICE] = STR("device", "its major:minor"),
	[DCOL_START] = NUM("start", "first sector of the verify target"),
	[DCOL_LENGTH] = NUM("length", "length of the verify target in sectors"),
	[DCOL_DATA_DEVICE] = STR("data_device", "data leg: device node"),
	[DCOL_DATA_DEVNO] = STR("data_devno", "data leg: major:minor"),
	[DCOL_DATA_OFFSET] = NUM("data_offset", "data leg: first sector"),
	[DCOL_REF_DEVICE] = STR("ref_device", "reference leg: device node, or none"),
	[DCOL_REF_DEVNO] = STR("ref_devno", "reference leg: major:minor, or none"),
	[DCOL_REF_OFFSET] = NUM("ref_offset", "reference leg: first sector"),
	[DCOL_ON_MISMATCH] = STR("on_mismatch", "mismatch policy"),
	[DCOL_SEED] = NUM("seed", "fault injection seed, or none"),
	[DCOL_FAULT_RULES] = NUM("fault_rules", "number of fault rules in the table"),
	[DCOL_WRITE_CACHE] = NUM("write_cache", "write cache size in MiB, or none"),
	[DCOL_DIGEST] = STR("digest", "digest mode: metadata device (major:minor), memory, or none"),
	[DCOL_DIGEST_BLOCK] = NUM("digest_block", "digest mode: bytes per digest, or none"),
	[DCOL_STATE] = STR("state", "ok, mismatch, halted or crashed"),
	/* DCOL_STATUS...: filled in from dm-verify-schema.h */
};

static const int device_list_default[] = {
	DCOL_NAME, DCOL_STATE, DCOL_STATUS + DMV_ST_READS,
	DCOL_STATUS + DMV_ST_WRITES, DCOL_STATUS + DMV_ST_MISMATCHED_READS,
	DCOL_STATUS + DMV_ST_MISMATCHED_SECTORS,
	DCOL_STATUS + DMV_ST_STATUS_MISMATCHES,
	DCOL_STATUS + DMV_ST_FAULTS_INJECTED, DCOL_ON_MISMATCH,
	DCOL_STATUS + DMV_ST_LAST_MISMATCH, DCOL_STATUS + DMV_ST_VOLATILE_SECTORS,
	DCOL_STATUS + DMV_ST_CRASHES, DCOL_STATUS + DMV_ST_LOST_WRITES,
};

/* ---- fault rule columns (fault list) ---- */

enum { RCOL_ID, RCOL_HITS, RCOL_MATCHES, RCOL_RULE, RCOL_NR };

static struct dmv_col rule_cols[RCOL_NR] = {
	[RCOL_ID] = NUM("id", "rule id"),
	[RCOL_HITS] = NUM("hits", "bios the rule injected a fault into"),
	[RCOL_MATCHES] = NUM("matches", "bios the rule matched"),
	[RCOL_RULE] = STR("rule", "the rule's words"),
};

/* ---- mismatch log columns (mismatches) ---- */

enum {
	MCOL_SEQ, MCOL_SECTOR, MCOL_OFFSET, MCOL_BAD_SECTORS, MCOL_BIO_SECTOR,
	MCOL_BIO_SECTORS, MCOL_DATA, MCOL_REF, MCOL_NR
};

static struct dmv_col mismatch_cols[MCOL_NR] = {
	[MCOL_SEQ] = NUM("seq", "sequence number"),
	[MCOL_SECTOR] = NUM("sector", "first differing sector"),
	[MCOL_OFFSET] = NUM("offset", "first differing byte in it"),
	[MCOL_BAD_SECTORS] = NUM("bad_sectors", "number of differing sectors"),
	[MCOL_BIO_SECTOR] = NUM("bio_sector", "first sector of the bio"),
	[MCOL_BIO_SECTORS] = NUM("bio_sectors", "its length in sectors"),
	[MCOL_DATA] = STR("data", "data leg bytes from the first difference (hex)"),
	[MCOL_REF] = STR("ref", "reference leg bytes from there (hex)"),
};

struct dmv_kind {
	const char *table;	/* JSON name of the array */
	struct dmv_col *cols;
	unsigned int nr;
};

static const struct dmv_kind kinds[] = {
	[DMV_OUT_DEVICE] = { "devices", device_cols, DCOL_NR },
	[DMV_OUT_RULE] = { "rules", rule_cols, RCOL_NR },
	[DMV_OUT_MISMATCH] = { "mismatches", mismatch_cols, MCOL_NR },
};

#define MAX_COLS 64
_Static_assert(DCOL_NR <= MAX_COLS, "more device columns than MAX_COLS");
_Static_assert(DMV_NR_STATUS <= 64, "more status fields than bits in have");

struct dmv_out {
	const struct dmv_kind *k;
	struct libscols_table *tb;
	int cols[MAX_COLS];
	unsigned int ncols;
	bool noheadings;
};

static void init_status_cols(void)
{
	unsigned int i;

	if (device_cols[DCOL_STATUS].name)
		return;
	for (i = 0; i < DMV_NR_STATUS; i++) {
		struct dmv_col *c = &device_cols[DCOL_STATUS + i];

		c->name = dmv_status_names[i];
		c->flags = SCOLS_FL_RIGHT;
		c->json = SCOLS_JSON_NUMBER;
		c->help = status_help[i] ? status_help[i] : "";
	}
}

static void upper(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = toupper((unsigned char)src[i]);
	dst[i] = '\0';
}

void output_columns_help(unsigned int kind, FILE *f)
{
	const struct dmv_kind *k = &kinds[kind];
	char head[64];
	unsigned int i;

	init_status_cols();
	fprintf(f, "\nColumns (-o, --output; JSON keys are in lower case):\n");
	for (i = 0; i < k->nr; i++) {
		upper(head, k->cols[i].name, sizeof(head));
		fprintf(f, "  %20s  %s\n", head, k->cols[i].help);
	}
}

static int find_col(const struct dmv_kind *k, const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < k->nr; i++)
		if (strlen(k->cols[i].name) == len &&
		    !strncasecmp(k->cols[i].name, name, len))
			return i;
	return -1;
}

/* "A,B" replaces the default columns, "+A,B" adds to them. */
static int parse_columns(struct dmv_out *out, const char *list,
			 const char *cmd)
{
	const char *p = list;

	if (*p == '+')
		p++;
	else
		out->ncols = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		int c = find_col(out->k, p, len);

		if (c < 0)
			return usage_err(cmd, "unknown column '%.*s'", (int)len, p);
		if (out->ncols == MAX_COLS)
			return usage_err(cmd, "too many columns");
		out->cols[out->ncols++] = c;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!out->ncols)
		return usage_err(cmd, "no columns in '%s'", list);
	return EX_CLEAN;
}

/*
 * A table of @kind for the options in @o.  Default columns: for a device
 * list the list's, for JSON and the rest every column.  Returns EX_CLEAN or
 * EX_USAGE (message printed).
 */
int output_new(struct dmv_out **outp, unsigned int kind,
	       const struct dmv_opts *o, const char *cmd)
{
	struct dmv_out *out = calloc(1, sizeof(*out));
	char head[64];
	unsigned int i;
	int r;

	if (!out)
		errx(EX_SYSTEM, "out of memory");
	*outp = out;
	init_status_cols();
	out->k = &kinds[kind];
	out->noheadings = o->noheadings;
	if (kind == DMV_OUT_DEVICE && !o->json && !strcmp(cmd, "list")) {
		for (i = 0; i < ARRAY_SIZE(device_list_default); i++)
			out->cols[i] = device_list_default[i];
		out->ncols = i;
	} else {
		for (i = 0; i < out->k->nr; i++)
			out->cols[i] = i;
		out->ncols = i;
	}
	if (o->columns) {
		r = parse_columns(out, o->columns, cmd);
		if (r)
			return r;
	}

	out->tb = scols_new_table();
	if (!out->tb)
		errx(EX_SYSTEM, "out of memory");
	scols_table_enable_json(out->tb, o->json);
	scols_table_enable_raw(out->tb, o->raw);
	scols_table_enable_noheadings(out->tb, o->noheadings);
	scols_table_set_name(out->tb, out->k->table);
	for (i = 0; i < out->ncols; i++) {
		const struct dmv_col *c = &out->k->cols[out->cols[i]];
		struct libscols_column *cl;

		upper(head, c->name, sizeof(head));
		cl = scols_table_new_column(out->tb, head, c->whint, c->flags);
		if (!cl)
			errx(EX_SYSTEM, "out of memory");
		scols_column_set_json_type(cl, c->json);
	}
	return EX_CLEAN;
}

void output_free(struct dmv_out *out)
{
	if (!out)
		return;
	scols_unref_table(out->tb);
	free(out);
}

static struct libscols_line *new_line(struct dmv_out *out)
{
	struct libscols_line *ln = scols_table_new_line(out->tb, NULL);

	if (!ln)
		errx(EX_SYSTEM, "out of memory");
	return ln;
}

/* A cell; NULL (no value) is "-" in text and null in JSON. */
static void set_cell(struct dmv_out *out, struct libscols_line *ln,
		     unsigned int i, const char *v)
{
	if (!v && !scols_table_is_json(out->tb))
		v = "-";
	if (v && scols_line_set_data(ln, i, v))
		errx(EX_SYSTEM, "out of memory");
}

/* The value of device column @col, or NULL when it has none. */
static const char *device_value(const struct dmv_dev *d, int col, char *buf,
				size_t len)
{
	bool noref = !strcmp(d->t.ref, "-");

	switch (col) {
	case DCOL_NAME:
		return d->name;
	case DCOL_DEVICE:
		snprintf(buf, len, "%u:%u", d->major, d->minor);
		return buf;
	case DCOL_START:
		snprintf(buf, len, "%" PRIu64, d->t.start);
		return buf;
	case DCOL_LENGTH:
		snprintf(buf, len, "%" PRIu64, d->t.len);
		return buf;
	case DCOL_DATA_DEVICE:
		devno_path(d->t.data, buf, len);
		return buf;
	case DCOL_DATA_DEVNO:
		return d->t.data;
	case DCOL_DATA_OFFSET:
		snprintf(buf, len, "%" PRIu64, d->t.data_off);
		return buf;
	case DCOL_REF_DEVICE:
		if (noref)
			return NULL;
		devno_path(d->t.ref, buf, len);
		return buf;
	case DCOL_REF_DEVNO:
		return noref ? NULL : d->t.ref;
	case DCOL_REF_OFFSET:
		if (noref)
			return NULL;
		snprintf(buf, len, "%" PRIu64, d->t.ref_off);
		return buf;
	case DCOL_ON_MISMATCH:
		return d->t.policy;
	case DCOL_SEED:
		if (!d->t.have_seed)
			return NULL;
		snprintf(buf, len, "%" PRIu64, d->t.seed);
		return buf;
	case DCOL_FAULT_RULES:
		snprintf(buf, len, "%u", d->t.nr_faults);
		return buf;
	case DCOL_WRITE_CACHE:
		if (!d->t.write_cache)
			return NULL;
		snprintf(buf, len, "%" PRIu64, d->t.write_cache);
		return buf;
	case DCOL_DIGEST:
		if (!d->t.digest[0])
			return NULL;
		return strcmp(d->t.digest, "-") ? d->t.digest : "memory";
	case DCOL_DIGEST_BLOCK:
		if (!d->t.digest_block)
			return NULL;
		snprintf(buf, len, "%" PRIu32, d->t.digest_block);
		return buf;
	case DCOL_STATE:
		return d->s.state;
	default:
		col -= DCOL_STATUS;
		if (!(d->s.have & (1ULL << col)))
			return NULL;
		snprintf(buf, len, "%" PRIu64, d->s.v[col]);
		return buf;
	}
}

void output_device(struct dmv_out *out, const struct dmv_dev *d)
{
	struct libscols_line *ln = new_line(out);
	char buf[PATH_MAX];
	unsigned int i;

	for (i = 0; i < out->ncols; i++)
		set_cell(out, ln, i, device_value(d, out->cols[i], buf, sizeof(buf)));
}

/*
 * status and watch as text: "name: value" per column (only the value with
 * -n); with @prev, a counter that changed shows the difference.
 */
void output_device_pairs(struct dmv_out *out, FILE *f, const struct dmv_dev *d,
			 const struct dmv_status *prev)
{
	char buf[PATH_MAX];
	unsigned int i;

	for (i = 0; i < out->ncols; i++) {
		int col = out->cols[i], st = col - DCOL_STATUS;
		const char *v = device_value(d, col, buf, sizeof(buf));

		if (!out->noheadings)
			fprintf(f, "%s: ", out->k->cols[col].name);
		fputs(v ? v : "-", f);
		if (prev && st >= 0 && st != DMV_ST_LAST_MISMATCH &&
		    (d->s.have & prev->have & (1ULL << st)) &&
		    d->s.v[st] != prev->v[st])
			fprintf(f, " (%+" PRId64 ")",
				(int64_t)(d->s.v[st] - prev->v[st]));
		fputc('\n', f);
	}
}

void output_rule(struct dmv_out *out, unsigned int id, uint64_t hits,
		 uint64_t matches, const char *rule)
{
	struct libscols_line *ln = new_line(out);
	char buf[32];
	unsigned int i;

	for (i = 0; i < out->ncols; i++) {
		switch (out->cols[i]) {
		case RCOL_ID:
			snprintf(buf, sizeof(buf), "%u", id);
			break;
		case RCOL_HITS:
			snprintf(buf, sizeof(buf), "%" PRIu64, hits);
			break;
		case RCOL_MATCHES:
			snprintf(buf, sizeof(buf), "%" PRIu64, matches);
			break;
		default:
			set_cell(out, ln, i, rule);
			continue;
		}
		set_cell(out, ln, i, buf);
	}
}

void output_mismatch(struct dmv_out *out, const struct dmv_mismatch *m)
{
	struct libscols_line *ln = new_line(out);
	char buf[32];
	unsigned int i;

	for (i = 0; i < out->ncols; i++) {
		const char *v = buf;

		switch (out->cols[i]) {
		case MCOL_SEQ:
			snprintf(buf, sizeof(buf), "%" PRIu64, m->seq);
			break;
		case MCOL_SECTOR:
			snprintf(buf, sizeof(buf), "%" PRIu64, m->sector);
			break;
		case MCOL_OFFSET:
			snprintf(buf, sizeof(buf), "%u", m->offset);
			break;
		case MCOL_BAD_SECTORS:
			snprintf(buf, sizeof(buf), "%u", m->bad);
			break;
		case MCOL_BIO_SECTOR:
			snprintf(buf, sizeof(buf), "%" PRIu64, m->bio_sector);
			break;
		case MCOL_BIO_SECTORS:
			snprintf(buf, sizeof(buf), "%u", m->bio_sectors);
			break;
		case MCOL_DATA:
			v = m->data;
			break;
		default:
			v = m->ref;
			break;
		}
		set_cell(out, ln, i, v);
	}
}

int output_print(struct dmv_out *out)
{
	if (scols_print_table(out->tb))
		errx(EX_SYSTEM, "cannot print the table");
	return EX_CLEAN;
}

/* @s as a JSON string: dm names may hold quotes and control characters. */
void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
