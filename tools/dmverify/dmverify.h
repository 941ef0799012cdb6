/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmverify: declarations shared by the files of the tool.
 *
 *   main.c          the command table, option parsing, help, main()
 *   dm.c            the libdevmapper layer (tasks, errors, table/status/messages)
 *   klog.c          the kernel's reason for a refused table or message
 *   parse.c         numbers, policies, the table, status and mismatch lines
 *   blkdev.c        block device nodes and sizes
 *   output.c        columns and libsmartcols tables (text, raw, JSON)
 *   cmd-device.c    create, remove
 *   cmd-status.c    status, list, watch
 *   cmd-mismatch.c  mismatches, diff
 *   cmd-control.c   fault, reset, policy
 *   cmd-crash.c     crash, power-on, data-crashed
 *   digest.c        create --digest, --digest-block (digest mode)
 */
#ifndef DMVERIFY_H
#define DMVERIFY_H

#include <errno.h>		/* program_invocation_short_name */
#include <getopt.h>
#include <libdevmapper.h>
#include <linux/dm-ioctl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "dm-verify-schema.h"
#include "dm-verify-fault.h"

#define DMV_VERSION	"2.0.0"
#define DMV_TARGET	"verify"
#define SECTOR_SIZE	((uint64_t)512)

/* The kernel's spellings, so the tool reads like the target. */
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))
#define fallthrough	__attribute__((__fallthrough__))

enum {
	EX_CLEAN = 0,
	EX_MISMATCH = 1,
	EX_USAGE = 2,
	EX_SYSTEM = 3,
};

/* The status line's fields after <state>, from dm-verify-schema.h. */
enum dmv_status_field {
#define X(e, n) DMV_ST_##e,
	VERIFY_STATUS_FIELDS(X)
#undef X
	DMV_NR_STATUS
};

extern const char *const dmv_status_names[DMV_NR_STATUS];
extern const char *const dmv_policy_names[];
extern const unsigned int dmv_nr_policies;

/* ---- options, filled in by main.c from the command's option table ---- */

/* create -D, -B: digest mode (digest.c) */
struct dmv_digest {
	const char *meta;		/* META or "-"; NULL: not digest mode */
	uint32_t block;			/* bytes, 0: the kernel's default */
	int fd;				/* META, open during create */
	dev_t rdev;
};

struct dmv_opts {
	bool json, raw, noheadings;
	const char *columns;		/* -o LIST, NULL: the command's default */
	const char *policy;		/* create -p */
	bool have_seed;
	uint64_t seed;			/* create -s */
	FILE *fault_stream;		/* create -f: writes to features */
	char *features;			/* " fault N <N words>"... */
	size_t features_len;
	unsigned int feature_words, nr_faults;
	bool have_write_cache;
	bool sync;			/* create -y */
	const char *metadata;		/* create -m: its device */
	uint64_t write_cache;		/* create -w, MiB */
	const char *lost_mode;		/* crash -l: all, prob or torn */
	unsigned int lost_ppm;
	bool retry;			/* remove -r */
	double interval;		/* watch -i */
	uint64_t count;			/* watch -c, 0: forever */
	bool only_diff;			/* diff -d */
	bool repair, scrub_stop, wait;	/* scrub -R, -S, -W */
	bool have_rate;
	unsigned int rate;		/* scrub -t, MiB/s */
	struct dmv_digest digest;	/* create -D, -B */
};

struct dmv_command {
	const char *name;
	int (*fn)(struct dmv_opts *o, int argc, char **argv);
	int min_args, max_args;		/* positional arguments; -1: no limit */
	const char *optstring;
	const struct option *longopts;
	unsigned int outputs;		/* DMV_OUT_*: takes -J -o -n [-r] */
	const char *operands;		/* "needs NAME": the usage error */
	const char *args, *summary, *help;
};

extern int verbose;
extern bool use_udev_cookies;
extern const char *dmv_cmd;		/* the running command's name */

int usage_err(const char *cmd, const char *fmt, ...) __printf(2, 3);

/* ---- parse.c ---- */

struct dmv_table {
	uint64_t start, len;
	char data[64], ref[64];		/* major:minor, or "-" for ref */
	uint64_t data_off, ref_off;
	char policy[16];
	bool have_seed;
	uint64_t seed;
	unsigned int nr_faults;
	uint64_t write_cache;		/* MiB, 0: no write cache */
	char digest[64];		/* digest mode: major:minor or "-"; "" */
	uint32_t digest_block;		/* digest mode: bytes per digest */
};

struct dmv_status {
	char state[16];
	uint64_t v[DMV_NR_STATUS];
	uint64_t have;			/* bit per field; clear: "-" */
};

struct dmv_mismatch {
	uint64_t seq, sector, bio_sector;
	unsigned int offset, bad, bio_sectors;
	char data[80], ref[80];
};

bool parse_u64(const char *s, uint64_t *v);
bool parse_seconds(const char *s, double *v);
bool valid_policy(const char *p);
bool parse_lost(const char *s, const char **mode, unsigned int *ppm);
const char *policy_choices(void);
bool parse_table(const char *params, struct dmv_table *t);
bool parse_status(const char *params, struct dmv_status *s, uint64_t start);
bool parse_mismatch(char *line, struct dmv_mismatch *m, uint64_t start);
unsigned int put_words(FILE *f, const char *s);

/* ---- dm.c ---- */

struct dmv_dev {
	char name[DM_NAME_LEN];
	uint32_t major, minor;
	int open_count;
	bool suspended;
	unsigned int nr_verify;		/* verify targets in the table */
	struct dmv_table t;
	struct dmv_status s;
};

void dmv_log_init(void);
void dmv_report_failure(struct dm_task *dmt, const char *what,
			const char *name);
struct dm_task *dmv_task_new(int type, const char *name);
int dmv_run_with_nodes(struct dm_task *dmt);
int dmv_device_exists(const char *name);
int dmv_target_version(char *version, size_t vlen);
int dmv_require_target(void);
int dmv_load(const char *name, uint64_t sector, struct dmv_dev *d,
	     bool quiet_missing);
int dmv_message(const struct dmv_dev *d, const char *msg, char **resp);
int dmv_plain_message(const char *name, const char *msg);
int dmv_state_exit(const struct dmv_dev *d);
int dmv_list_names(struct dm_task **dmt, struct dm_names **names);

/* ---- klog.c ---- */

enum dmv_klog_kind {
	DMV_KLOG_TABLE,		/* "device-mapper: table: M:m: verify: " */
	DMV_KLOG_MESSAGE,	/* "device-mapper: verify: M:m: " */
};

int klog_open(void);
int klog_report(int fd, enum dmv_klog_kind kind, uint32_t major,
		uint32_t minor);
void klog_close(int fd);

/* ---- blkdev.c ---- */

void devno_path(const char *devno, char *out, size_t len);
int open_devno(const char *devno, int flags, char *path, size_t plen);
int open_blockdev(const char *path, uint64_t *bytes, dev_t *rdev);

/* ---- output.c ---- */

enum {
	DMV_OUT_NONE,
	DMV_OUT_DEVICE,		/* status, list */
	DMV_OUT_RULE,		/* fault list */
	DMV_OUT_MISMATCH,	/* mismatches */
};

struct dmv_out;

void output_columns_help(unsigned int kind, FILE *f);
int output_new(struct dmv_out **out, unsigned int kind,
	       const struct dmv_opts *o, const char *cmd);
void output_free(struct dmv_out *out);
void output_device(struct dmv_out *out, const struct dmv_dev *d);
void output_rule(struct dmv_out *out, unsigned int id, uint64_t hits,
		 uint64_t matches, const char *rule);
void output_mismatch(struct dmv_out *out, const struct dmv_mismatch *m);
int output_print(struct dmv_out *out);
void output_device_pairs(struct dmv_out *out, FILE *f,
			 const struct dmv_dev *d, const struct dmv_status *prev);
void json_string(FILE *f, const char *s);

/* ---- commands ---- */

int cmd_create(struct dmv_opts *o, int argc, char **argv);
int cmd_remove(struct dmv_opts *o, int argc, char **argv);
int cmd_status(struct dmv_opts *o, int argc, char **argv);
int cmd_list(struct dmv_opts *o, int argc, char **argv);
int cmd_watch(struct dmv_opts *o, int argc, char **argv);
int cmd_mismatches(struct dmv_opts *o, int argc, char **argv);
int cmd_diff(struct dmv_opts *o, int argc, char **argv);
int cmd_fault(struct dmv_opts *o, int argc, char **argv);
int cmd_reset(struct dmv_opts *o, int argc, char **argv);
int cmd_scrub(struct dmv_opts *o, int argc, char **argv);
int cmd_sync(struct dmv_opts *o, int argc, char **argv);
int cmd_policy(struct dmv_opts *o, int argc, char **argv);
int cmd_help(struct dmv_opts *o, int argc, char **argv);
int cmd_crash(struct dmv_opts *o, int argc, char **argv);
int cmd_power_on(struct dmv_opts *o, int argc, char **argv);
int cmd_data_crashed(struct dmv_opts *o, int argc, char **argv);

int fault_list_args(struct dmv_opts *o, int argc, char **argv);

/* ---- digest.c ---- */

int digest_option(struct dmv_opts *o, int c, const char *arg);
int digest_prepare(struct dmv_opts *o, const char *ref, dev_t data);
void digest_close(struct dmv_opts *o);
unsigned int digest_words(const struct dmv_opts *o);
void digest_features(const struct dmv_opts *o, FILE *f);

#endif
