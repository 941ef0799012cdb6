// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify: userspace front end of the dm-verify device-mapper target.
 *
 * Talks to the kernel through libdevmapper only (never runs dmsetup).
 * Exit codes: 0 clean, 1 mismatches present, 2 usage error, 3 system error.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libdevmapper.h>
#include <limits.h>
#include <linux/dm-ioctl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define DMV_VERSION	"1.0.0"
#define TARGET		"verify"
#define SECTOR_SIZE	((uint64_t)512)

/* The kernel's spellings, so this file reads like the target's. */
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))
#define fallthrough	__attribute__((__fallthrough__))

enum {
	EX_CLEAN = 0,
	EX_MISMATCH = 1,
	EX_USAGE = 2,
	EX_SYSTEM = 3,
};

static const char *prog = "dmverify";
static int verbose;
static bool use_udev_cookies;
static char dm_last_error[512];		/* first error of the current request */
static char dm_first_error[512];	/* first error of this run */

/* ---- messages --------------------------------------------------------- */

static void __printf(1, 2) err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Usage error: message plus a pointer to the command's help. */
static int __printf(2, 3)
usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "Try '%s %s --help'.\n", prog, cmd);
	else
		fprintf(stderr, "Try '%s --help'.\n", prog);
	return EX_USAGE;
}

/*
 * libdevmapper logger: keep the last error for our own messages, show
 * everything only with -v.
 */
static void __printf(5, 6)
dm_logger(int level, const char *file, int line, int dm_errno_or_class,
	  const char *f, ...)
{
	va_list ap;
	int lvl = level & 7;

	(void)file;
	(void)line;
	(void)dm_errno_or_class;
	/* The first error of a request says what went wrong, not the last. */
	if (lvl <= 3 && !dm_last_error[0] && strcmp(f, "<backtrace>")) {
		va_start(ap, f);
		vsnprintf(dm_last_error, sizeof(dm_last_error), f, ap);
		va_end(ap);
		if (!dm_first_error[0])
			memcpy(dm_first_error, dm_last_error, sizeof(dm_first_error));
	}
	if (verbose && (lvl <= 4 || verbose > 1)) {
		fprintf(stderr, "%s: libdevmapper: ", prog);
		va_start(ap, f);
		vfprintf(stderr, f, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

/* ---- kernel log capture ------------------------------------------------ */

/*
 * The kernel explains why it refused a table or a message only in its log.
 * Open /dev/kmsg at its end before the ioctl and print what the verify
 * target said afterwards.  Best effort: silently nothing without access.
 */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Print kernel log records that mention the verify target; returns count. */
static int kmsg_report(int fd, const char *devno)
{
	char rec[8192];
	int n = 0;

	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t len = read(fd, rec, sizeof(rec) - 1);
		char *msg, *end;

		if (len < 0 && errno == EPIPE)
			continue;
		if (len <= 0)
			break;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		if (!strstr(msg, "verify"))
			continue;
		if (strstr(msg, "read mismatch at sector") ||
		    strstr(msg, "status mismatch at sector") ||
		    strstr(msg, ": fault rule "))
			continue;
		if (devno && !strstr(msg, devno))
			continue;
		if (!strncmp(msg, "device-mapper: ", 15))
			msg += 15;
		fprintf(stderr, "%s: kernel: %s\n", prog, msg);
		n++;
	}
	return n;
}

static void kmsg_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* ---- number parsing ----------------------------------------------------- */

static bool parse_u64(const char *s, uint64_t *v)
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

static bool parse_seconds(const char *s, double *v)
{
	char *end;
	double x;

	if (!s || !*s)
		return false;
	errno = 0;
	x = strtod(s, &end);
	if (errno || *end || !(x > 0) || x > 86400)
		return false;
	*v = x;
	return true;
}

static const char *const policies[] = { "log", "error", "reference", "halt" };

static bool valid_policy(const char *p)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(policies); i++)
		if (!strcmp(p, policies[i]))
			return true;
	return false;
}

/* ---- small string helpers ------------------------------------------------ */

struct strbuf {
	char *s;
	size_t len, cap;
};

static void sb_grow(struct strbuf *b, size_t need)
{
	char *n;

	if (b->len + need + 1 <= b->cap)
		return;
	b->cap = (b->len + need + 1) * 2;
	n = realloc(b->s, b->cap);
	if (!n) {
		err("out of memory");
		exit(EX_SYSTEM);
	}
	b->s = n;
}

static void __printf(2, 3)
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(b, n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += n;
}

/* Append the whitespace-separated words of @s; returns the word count. */
static unsigned int sb_words(struct strbuf *b, const char *s)
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
		sb_printf(b, " %.*s", (int)(s - w), w);
		n++;
	}
	return n;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* ---- device-mapper access ------------------------------------------------ */

static void dm_report_failure(struct dm_task *dmt, const char *what,
			      const char *name)
{
	int e = dmt ? dm_task_get_errno(dmt) : 0;

	switch (e) {
	case ENXIO:
		err("no device-mapper device named '%s'", name);
		return;
	case EBUSY:
		err("%s %s: device is busy (open, mounted or in use by another device)",
		    what, name);
		return;
	case EEXIST:
		err("%s %s: a device-mapper device with that name already exists",
		    what, name);
		return;
	case EPERM:
	case EACCES:
		err("%s %s: permission denied (device-mapper needs root)", what,
		    name);
		return;
	case 0:
		if (dm_last_error[0])
			err("%s %s: %s", what, name, dm_last_error);
		else
			err("%s %s: device-mapper request failed (is the dm_mod module loaded?)",
			    what, name);
		return;
	default:
		err("%s %s: %s", what, name, strerror(e));
	}
}

static struct dm_task *dm_new(int type, const char *name)
{
	struct dm_task *dmt;

	dm_last_error[0] = '\0';
	dmt = dm_task_create(type);
	if (!dmt) {
		if (dm_last_error[0] || dm_first_error[0])
			err("cannot talk to the kernel's device-mapper driver (%s); is the dm_mod module loaded, are you root?",
			    dm_first_error[0] ? dm_first_error : dm_last_error);
		else
			err("cannot create a device-mapper task (out of memory?)");
		return NULL;
	}
	if (name && !dm_task_set_name(dmt, name)) {
		err("invalid device name '%s'", name);
		dm_task_destroy(dmt);
		return NULL;
	}
	return dmt;
}

/* Run a task that changes device nodes (create, remove). */
static int dm_run_with_nodes(struct dm_task *dmt)
{
	uint32_t cookie = 0;
	int r;

	if (use_udev_cookies && !dm_task_set_cookie(dmt, &cookie, 0))
		return 0;
	r = dm_task_run(dmt);
	if (use_udev_cookies)
		(void)dm_udev_wait(cookie);
	else
		dm_task_update_nodes();
	return r;
}

/*
 * Is the verify target type registered?  Returns 1 yes, 0 no, -1 when
 * device-mapper itself cannot be reached (message printed).
 */
static int have_verify_target(char *version, size_t vlen)
{
	struct dm_task *dmt = dm_new(DM_DEVICE_LIST_VERSIONS, NULL);
	struct dm_versions *v, *last;
	int found = 0;

	if (!dmt)
		return -1;
	if (!dm_task_run(dmt)) {
		err("cannot talk to device-mapper: %s (is the dm_mod module loaded, are you root?)",
		    dm_task_get_errno(dmt) ? strerror(dm_task_get_errno(dmt)) :
		    (dm_last_error[0] ? dm_last_error : "unknown error"));
		dm_task_destroy(dmt);
		return -1;
	}
	v = dm_task_get_versions(dmt);
	do {
		last = v;
		if (!strcmp(v->name, TARGET)) {
			found = 1;
			if (version)
				snprintf(version, vlen, "%u.%u.%u", v->version[0],
					 v->version[1], v->version[2]);
		}
		v = (struct dm_versions *)((char *)v + v->next);
	} while (last != v);
	dm_task_destroy(dmt);
	return found;
}

/* 1 if the dm device @name exists, 0 if not, -1 on error (printed). */
static int dm_device_exists(const char *name)
{
	struct dm_task *dmt = dm_new(DM_DEVICE_INFO, name);
	struct dm_info info;
	int r = -1;

	if (!dmt)
		return -1;
	if (!dm_task_run(dmt) || !dm_task_get_info(dmt, &info))
		dm_report_failure(dmt, "info", name);
	else
		r = info.exists ? 1 : 0;
	dm_task_destroy(dmt);
	return r;
}

static int require_verify_target(void)
{
	int r = have_verify_target(NULL, 0);

	if (r < 0)
		return EX_SYSTEM;
	if (!r) {
		err("the '%s' device-mapper target is not loaded", TARGET);
		fprintf(stderr,
			"Load it with 'modprobe dm-verify' (or 'insmod dm-verify.ko' from a build tree),\n"
			"or install the module with DKMS first (dkms install dm-verify/<version>).\n");
		return EX_SYSTEM;
	}
	return EX_CLEAN;
}

struct dmv_table {
	uint64_t start, len;
	char data[64], ref[64];		/* major:minor, or "-" for ref */
	uint64_t data_off, ref_off;
	char policy[16];
	bool have_seed;
	uint64_t seed;
	unsigned int nr_faults;
};

#define NR_COUNTERS 9
static const char *const counter_names[NR_COUNTERS] = {
	"reads", "writes", "flushes", "discards", "mismatched_reads",
	"mismatched_sectors", "status_mismatches", "faults_injected",
	"unverified_sectors",
};

struct dmv_status {
	char state[16];
	uint64_t c[NR_COUNTERS];
	bool have_last;
	uint64_t last;			/* device sector */
};

struct dmv_dev {
	char name[DM_NAME_LEN];
	uint32_t major, minor;
	int open_count;
	bool suspended;
	unsigned int nr_verify;		/* verify targets in the table */
	struct dmv_table t;
	struct dmv_status s;
};

static bool parse_table(const char *params, struct dmv_table *t)
{
	char *copy = strdup(params ? params : ""), *save = NULL, *w;
	char **words;
	unsigned int n = 0, i, nf;
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
	snprintf(t->policy, sizeof(t->policy), "log");
	t->have_seed = false;
	t->nr_faults = 0;
	if (n < 4)
		goto out;
	snprintf(t->data, sizeof(t->data), "%s", words[0]);
	snprintf(t->ref, sizeof(t->ref), "%s", words[2]);
	if (!parse_u64(words[1], &t->data_off) ||
	    !parse_u64(words[3], &t->ref_off))
		goto out;
	ok = true;
	if (n < 6)
		goto out;
	for (i = 5; i < n; i++) {
		if (!strcmp(words[i], "on_mismatch") && i + 1 < n) {
			snprintf(t->policy, sizeof(t->policy), "%s", words[++i]);
		} else if (!strcmp(words[i], "seed") && i + 1 < n) {
			if (parse_u64(words[++i], &v)) {
				t->have_seed = true;
				t->seed = v;
			}
		} else if (!strcmp(words[i], "fault") && i + 1 < n) {
			if (parse_u64(words[++i], &v) && v < n) {
				nf = v;
				i += nf;
				t->nr_faults++;
			}
		}
	}
out:
	free(words);
	free(copy);
	return ok;
}

static bool parse_status(const char *params, struct dmv_status *s,
			 uint64_t start)
{
	char *copy = strdup(params ? params : ""), *save = NULL, *w;
	unsigned int n = 0;
	bool ok = false;

	if (!copy)
		return false;
	memset(s, 0, sizeof(*s));
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (n == 0) {
			snprintf(s->state, sizeof(s->state), "%s", w);
		} else if (n <= NR_COUNTERS) {
			if (!parse_u64(w, &s->c[n - 1]))
				goto out;
		} else if (n == NR_COUNTERS + 1) {
			if (strcmp(w, "-")) {
				if (!parse_u64(w, &s->last))
					goto out;
				s->last += start;
				s->have_last = true;
			}
			ok = true;
		}
		n++;	/* later fields: the status line is append only */
	}
out:
	free(copy);
	return ok;
}

/*
 * Run @type (DM_DEVICE_TABLE or DM_DEVICE_STATUS) on @name and return the
 * params of the verify target selected by @sector (the one containing it,
 * or the first verify target when @sector is UINT64_MAX).
 * Returns EX_CLEAN, or EX_SYSTEM with a message printed.
 */
static int dm_target_params(int type, const char *name, uint64_t sector,
			    struct dmv_dev *d, uint64_t *start, uint64_t *len,
			    char **params_out, bool quiet_missing)
{
	struct dm_task *dmt = dm_new(type, name);
	struct dm_info info;
	void *next = NULL;
	uint64_t st, ln;
	char *ttype, *params;
	char others[128] = "";
	int r = EX_SYSTEM;

	*params_out = NULL;
	if (!dmt)
		return EX_SYSTEM;
	dm_task_no_open_count(dmt);
	if (!dm_task_run(dmt)) {
		if (!(quiet_missing && dm_task_get_errno(dmt) == ENXIO))
			dm_report_failure(dmt, "status", name);
		goto out;
	}
	if (!dm_task_get_info(dmt, &info) || !info.exists) {
		if (!quiet_missing)
			err("no device-mapper device named '%s'", name);
		goto out;
	}
	if (d) {
		d->major = info.major;
		d->minor = info.minor;
		d->open_count = info.open_count;
		d->suspended = info.suspended;
		d->nr_verify = 0;
	}
	do {
		next = dm_get_next_target(dmt, next, &st, &ln, &ttype, &params);
		if (!ttype)
			continue;
		if (strcmp(ttype, TARGET)) {
			if (strlen(others) + strlen(ttype) + 2 < sizeof(others))
				snprintf(others + strlen(others),
					 sizeof(others) - strlen(others), "%s%s",
					 others[0] ? "," : "", ttype);
			continue;
		}
		if (d)
			d->nr_verify++;
		if (*params_out)
			continue;
		if (sector != UINT64_MAX && (sector < st || sector >= st + ln))
			continue;
		*params_out = strdup(params ? params : "");
		*start = st;
		*len = ln;
	} while (next);
	if (!*params_out) {
		if (!quiet_missing) {
			if (sector != UINT64_MAX && d && d->nr_verify)
				err("%s: sector %" PRIu64 " is not inside a %s target",
				    name, sector, TARGET);
			else
				err("%s is not a dm-verify device (its table has %s)",
				    name, others[0] ? others : "no targets");
		}
		goto out;
	}
	r = EX_CLEAN;
out:
	dm_task_destroy(dmt);
	return r;
}

/* Table and status of a verify device. */
static int dmv_load(const char *name, uint64_t sector, struct dmv_dev *d,
		    bool quiet_missing)
{
	uint64_t st, ln, st2, ln2;
	char *p = NULL;
	int r;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	r = dm_target_params(DM_DEVICE_TABLE, name, sector, d, &st, &ln, &p,
			     quiet_missing);
	if (r)
		return r;
	d->t.start = st;
	d->t.len = ln;
	if (!parse_table(p, &d->t)) {
		err("%s: cannot parse the table line '%s'", name, p);
		free(p);
		return EX_SYSTEM;
	}
	free(p);
	r = dm_target_params(DM_DEVICE_STATUS, name, st, NULL, &st2, &ln2, &p,
			     quiet_missing);
	if (r)
		return r;
	if (!parse_status(p, &d->s, st)) {
		err("%s: cannot parse the status line '%s'", name, p);
		free(p);
		return EX_SYSTEM;
	}
	free(p);
	return EX_CLEAN;
}

/*
 * Send a message to the verify target of @d.  On success *resp is the
 * kernel's answer (malloc'd, maybe empty).  On failure the kernel's reason
 * is printed from its log.
 */
static int dmv_message(const struct dmv_dev *d, const char *msg, char **resp)
{
	struct dm_task *dmt = dm_new(DM_DEVICE_TARGET_MSG, d->name);
	char devno[32];
	const char *r;
	int fd, ret = EX_SYSTEM;

	if (resp)
		*resp = NULL;
	if (!dmt)
		return EX_SYSTEM;
	if (!dm_task_set_sector(dmt, d->t.start) ||
	    !dm_task_set_message(dmt, msg)) {
		err("cannot set up message '%s'", msg);
		goto out;
	}
	snprintf(devno, sizeof(devno), "%u:%u:", d->major, d->minor);
	fd = kmsg_open();
	if (!dm_task_run(dmt)) {
		int e = dm_task_get_errno(dmt);

		err("%s: the kernel rejected message '%s'%s%s", d->name, msg,
		    e ? ": " : "", e ? strerror(e) : "");
		usleep(20000);
		kmsg_report(fd, devno);
		kmsg_close(fd);
		goto out;
	}
	kmsg_close(fd);
	r = dm_task_get_message_response(dmt);
	if (resp) {
		*resp = strdup(r ? r : "");
		if (!*resp) {
			err("out of memory");
			goto out;
		}
	}
	ret = EX_CLEAN;
out:
	dm_task_destroy(dmt);
	return ret;
}

/* ---- block devices ------------------------------------------------------- */

/* "/dev/<name>" for a major:minor, or the major:minor itself. */
static void devno_path(const char *devno, char *out, size_t len)
{
	char path[128], line[256];
	FILE *f;

	snprintf(out, len, "%s", devno);
	if (!strcmp(devno, "-"))
		return;
	snprintf(path, sizeof(path), "/sys/dev/block/%s/dm/name", devno);
	f = fopen(path, "re");
	if (f) {
		if (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, "/dev/mapper/%s", line);
		}
		fclose(f);
		return;
	}
	snprintf(path, sizeof(path), "/sys/dev/block/%s/uevent", devno);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "DEVNAME=", 8)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, "/dev/%s", line + 8);
			break;
		}
	}
	fclose(f);
}

/*
 * Open the block device @devno ("major:minor"): through its /dev node when
 * that is the right device, else through a private temporary node.
 */
static int open_devno(const char *devno, int flags, char *path, size_t plen)
{
	unsigned int ma, mi;
	char tmpl[] = "/tmp/dmverify.XXXXXX", node[64];
	struct stat st;
	dev_t dev;
	int fd;

	if (sscanf(devno, "%u:%u", &ma, &mi) != 2) {
		err("unexpected device '%s' in the table", devno);
		return -1;
	}
	dev = makedev(ma, mi);
	devno_path(devno, path, plen);
	if (path[0] == '/' && stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
	    st.st_rdev == dev) {
		fd = open(path, flags | O_CLOEXEC);
		if (fd < 0)
			err("cannot open %s: %s", path, strerror(errno));
		return fd;
	}
	if (!mkdtemp(tmpl)) {
		err("cannot create a temporary directory: %s", strerror(errno));
		return -1;
	}
	snprintf(node, sizeof(node), "%s/dev", tmpl);
	if (mknod(node, S_IFBLK | 0600, dev)) {
		err("no device node for %s and cannot create one: %s", devno,
		    strerror(errno));
		rmdir(tmpl);
		return -1;
	}
	fd = open(node, flags | O_CLOEXEC);
	if (fd < 0)
		err("cannot open block device %s: %s", devno, strerror(errno));
	unlink(node);
	rmdir(tmpl);
	return fd;
}

/* Open a user-named block device and get its size. */
static int open_blockdev(const char *path, uint64_t *bytes, dev_t *rdev)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISBLK(st.st_mode)) {
		err("%s is not a block device", path);
		close(fd);
		return -1;
	}
	if (ioctl(fd, BLKGETSIZE64, bytes)) {
		err("cannot get the size of %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*rdev = st.st_rdev;
	return fd;
}

/* ---- commands -------------------------------------------------------------- */

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *summary;
	const char *help;
};

static const struct command *find_command(const char *name);
static void command_help(const struct command *c, FILE *f);

static int help_requested(const char *cmd)
{
	command_help(find_command(cmd), stdout);
	return EX_CLEAN;
}

/* Parse options shared by all commands; returns -1 on "continue". */
#define COMMON_OPTS \
	{ "help", no_argument, NULL, 'h' }

static int bad_option(const char *cmd, int c, char **argv)
{
	(void)c;
	(void)argv;
	fprintf(stderr, "Try '%s %s --help'.\n", prog, cmd);
	return EX_USAGE;
}

/* create NAME DATA REF [--on-mismatch P] [--seed N] [--fault RULE]... */
static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "on-mismatch", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "fault", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy = NULL, *name, *data, *ref;
	struct strbuf params = { 0 }, features = { 0 };
	unsigned int nwords = 0, n;
	uint64_t seed = 0, dbytes, rbytes = 0;
	bool have_seed = false;
	dev_t drdev, rrdev = 0;
	struct dm_task *dmt = NULL;
	int c, dfd = -1, rfd = -1, kfd, r = EX_SYSTEM;
	char devno[32];

	while ((c = getopt_long(argc, argv, "hp:s:f:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return help_requested(argv[0]);
		case 'p':
			if (!valid_policy(optarg))
				return usage_err(argv[0], "invalid policy '%s' (log, error, reference or halt)",
						 optarg);
			policy = optarg;
			break;
		case 's':
			if (!parse_u64(optarg, &seed))
				return usage_err(argv[0], "invalid seed '%s'", optarg);
			have_seed = true;
			break;
		case 'f': {
			struct strbuf w = { 0 };

			n = sb_words(&w, optarg);
			if (!n) {
				free(w.s);
				return usage_err(argv[0], "empty fault rule");
			}
			sb_printf(&features, " fault %u%s", n, w.s);
			nwords += 2 + n;
			free(w.s);
			break;
		}
		default:
			free(features.s);
			return bad_option(argv[0], c, argv);
		}
	}
	if (argc - optind != 3) {
		free(features.s);
		return usage_err(argv[0], "create needs NAME DATA REF");
	}
	name = argv[optind];
	data = argv[optind + 1];
	ref = argv[optind + 2];
	if (!*name || strlen(name) >= DM_NAME_LEN || strchr(name, '/')) {
		free(features.s);
		return usage_err(argv[0], "invalid device name '%s'", name);
	}

	r = require_verify_target();
	if (r)
		goto out;
	r = EX_SYSTEM;
	switch (dm_device_exists(name)) {
	case 1:
		err("a device-mapper device named '%s' already exists", name);
		fallthrough;
	case -1:
		goto out;
	}
	dfd = open_blockdev(data, &dbytes, &drdev);
	if (dfd < 0)
		goto out;
	if (strcmp(ref, "-")) {
		rfd = open_blockdev(ref, &rbytes, &rrdev);
		if (rfd < 0)
			goto out;
		if (rrdev == drdev) {
			err("DATA and REF are the same device (%s); use '-' as REF to run without a reference",
			    data);
			goto out;
		}
	}
	if (dbytes < SECTOR_SIZE) {
		err("%s is empty", data);
		goto out;
	}
	if (dbytes % SECTOR_SIZE)
		fprintf(stderr, "%s: warning: %s is not a multiple of 512 bytes; the last %" PRIu64 " bytes are not used\n",
			prog, data, dbytes % SECTOR_SIZE);
	if (rfd >= 0 && rbytes / SECTOR_SIZE < dbytes / SECTOR_SIZE) {
		err("reference device %s (%" PRIu64 " sectors, %" PRIu64 " bytes) is smaller than data device %s (%" PRIu64 " sectors, %" PRIu64 " bytes)",
		    ref, rbytes / SECTOR_SIZE, rbytes, data,
		    dbytes / SECTOR_SIZE, dbytes);
		fprintf(stderr,
			"Use a reference device of at least %" PRIu64 " sectors (a larger one is fine: only the first %" PRIu64 " sectors are used),\n"
			"or pass '-' as REF to run without a reference.\n",
			dbytes / SECTOR_SIZE, dbytes / SECTOR_SIZE);
		goto out;
	}

	sb_printf(&params, "%u:%u 0 ", major(drdev), minor(drdev));
	if (rfd >= 0)
		sb_printf(&params, "%u:%u 0", major(rrdev), minor(rrdev));
	else
		sb_printf(&params, "- 0");
	if (policy)
		nwords += 2;
	if (have_seed)
		nwords += 2;
	if (nwords) {
		sb_printf(&params, " %u", nwords);
		if (policy)
			sb_printf(&params, " on_mismatch %s", policy);
		if (have_seed)
			sb_printf(&params, " seed %" PRIu64, seed);
		if (features.s)
			sb_printf(&params, "%s", features.s);
	}
	if (verbose)
		fprintf(stderr, "%s: table: 0 %" PRIu64 " %s %s\n", prog,
			dbytes / SECTOR_SIZE, TARGET, params.s);

	dmt = dm_new(DM_DEVICE_CREATE, name);
	if (!dmt)
		goto out;
	if (!dm_task_add_target(dmt, 0, dbytes / SECTOR_SIZE, TARGET, params.s)) {
		err("cannot add the table to the request");
		goto out;
	}
	close(dfd);
	dfd = -1;
	if (rfd >= 0)
		close(rfd);
	rfd = -1;
	kfd = kmsg_open();
	if (!dm_run_with_nodes(dmt)) {
		dm_report_failure(dmt, "create", name);
		usleep(20000);
		kmsg_report(kfd, NULL);
		kmsg_close(kfd);
		goto out;
	}
	kmsg_close(kfd);
	{
		struct dm_info info;

		if (dm_task_get_info(dmt, &info) && info.exists) {
			snprintf(devno, sizeof(devno), "%u:%u", info.major, info.minor);
			printf("created %s (%s, %" PRIu64 " sectors)\n", name,
			       devno, dbytes / SECTOR_SIZE);
		}
	}
	r = EX_CLEAN;
out:
	if (dmt)
		dm_task_destroy(dmt);
	if (dfd >= 0)
		close(dfd);
	if (rfd >= 0)
		close(rfd);
	free(params.s);
	free(features.s);
	return r;
}

static int cmd_remove(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "retry", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct dm_task *dmt;
	struct dmv_dev d;
	bool retry = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "hr", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return help_requested(argv[0]);
		case 'r':
			retry = true;
			break;
		default:
			return bad_option(argv[0], c, argv);
		}
	}
	if (argc - optind != 1)
		return usage_err(argv[0], "remove needs NAME");
	r = dmv_load(argv[optind], UINT64_MAX, &d, false);
	if (r)
		return r;
	dmt = dm_new(DM_DEVICE_REMOVE, argv[optind]);
	if (!dmt)
		return EX_SYSTEM;
	if (retry)
		dm_task_retry_remove(dmt);
	if (!dm_run_with_nodes(dmt)) {
		dm_report_failure(dmt, "remove", argv[optind]);
		dm_task_destroy(dmt);
		return EX_SYSTEM;
	}
	dm_task_destroy(dmt);
	return EX_CLEAN;
}

static const char *display_dev(const char *devno, char *buf, size_t len)
{
	devno_path(devno, buf, len);
	return buf;
}

/* Text form: "name: value" lines, shared by status and watch. */
static void print_status_text(FILE *f, const struct dmv_dev *d,
			      const struct dmv_status *prev)
{
	char path[PATH_MAX];
	int i;

	fprintf(f, "name: %s\n", d->name);
	fprintf(f, "device: %u:%u\n", d->major, d->minor);
	fprintf(f, "start: %" PRIu64 "\n", d->t.start);
	fprintf(f, "length: %" PRIu64 "\n", d->t.len);
	fprintf(f, "data_device: %s\n", display_dev(d->t.data, path, sizeof(path)));
	fprintf(f, "data_devno: %s\n", d->t.data);
	fprintf(f, "data_offset: %" PRIu64 "\n", d->t.data_off);
	fprintf(f, "ref_device: %s\n", display_dev(d->t.ref, path, sizeof(path)));
	fprintf(f, "ref_devno: %s\n", d->t.ref);
	fprintf(f, "ref_offset: %" PRIu64 "\n", d->t.ref_off);
	fprintf(f, "on_mismatch: %s\n", d->t.policy);
	if (d->t.have_seed)
		fprintf(f, "seed: %" PRIu64 "\n", d->t.seed);
	else
		fprintf(f, "seed: -\n");
	fprintf(f, "fault_rules: %u\n", d->t.nr_faults);
	fprintf(f, "state: %s\n", d->s.state);
	for (i = 0; i < NR_COUNTERS; i++) {
		fprintf(f, "%s: %" PRIu64, counter_names[i], d->s.c[i]);
		if (prev && d->s.c[i] != prev->c[i])
			fprintf(f, " (%+" PRId64 ")",
				(int64_t)(d->s.c[i] - prev->c[i]));
		fputc('\n', f);
	}
	if (d->s.have_last)
		fprintf(f, "last_mismatch_sector: %" PRIu64 "\n", d->s.last);
	else
		fprintf(f, "last_mismatch_sector: -\n");
}

static void print_status_json(FILE *f, const struct dmv_dev *d, const char *indent)
{
	char path[PATH_MAX];
	bool noref = !strcmp(d->t.ref, "-");
	int i;

	fprintf(f, "{\n%s  \"name\": ", indent);
	json_string(f, d->name);
	fprintf(f, ",\n%s  \"device\": \"%u:%u\"", indent, d->major, d->minor);
	fprintf(f, ",\n%s  \"start\": %" PRIu64, indent, d->t.start);
	fprintf(f, ",\n%s  \"length\": %" PRIu64, indent, d->t.len);
	fprintf(f, ",\n%s  \"data_device\": ", indent);
	json_string(f, display_dev(d->t.data, path, sizeof(path)));
	fprintf(f, ",\n%s  \"data_devno\": ", indent);
	json_string(f, d->t.data);
	fprintf(f, ",\n%s  \"data_offset\": %" PRIu64, indent, d->t.data_off);
	fprintf(f, ",\n%s  \"ref_device\": ", indent);
	if (noref)
		fputs("null", f);
	else
		json_string(f, display_dev(d->t.ref, path, sizeof(path)));
	fprintf(f, ",\n%s  \"ref_devno\": ", indent);
	if (noref)
		fputs("null", f);
	else
		json_string(f, d->t.ref);
	fprintf(f, ",\n%s  \"ref_offset\": %" PRIu64, indent, d->t.ref_off);
	fprintf(f, ",\n%s  \"on_mismatch\": ", indent);
	json_string(f, d->t.policy);
	fprintf(f, ",\n%s  \"seed\": ", indent);
	if (d->t.have_seed)
		fprintf(f, "%" PRIu64, d->t.seed);
	else
		fputs("null", f);
	fprintf(f, ",\n%s  \"fault_rules\": %u", indent, d->t.nr_faults);
	fprintf(f, ",\n%s  \"state\": ", indent);
	json_string(f, d->s.state);
	for (i = 0; i < NR_COUNTERS; i++)
		fprintf(f, ",\n%s  \"%s\": %" PRIu64, indent, counter_names[i],
			d->s.c[i]);
	fprintf(f, ",\n%s  \"last_mismatch_sector\": ", indent);
	if (d->s.have_last)
		fprintf(f, "%" PRIu64, d->s.last);
	else
		fputs("null", f);
	fprintf(f, "\n%s}", indent);
}

static int state_exit(const struct dmv_dev *d)
{
	return strcmp(d->s.state, "ok") ? EX_MISMATCH : EX_CLEAN;
}

/* Parse "NAME" plus --json / --help for simple commands. */
static int simple_args(int argc, char **argv, int nargs_min, int nargs_max,
		       bool *json, const char *what)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, json ? "hj" : "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help_requested(argv[0]);
			return -1;
		case 'j':
			if (!json)
				return usage_err(argv[0], "%s has no --json option", argv[0]);
			*json = true;
			break;
		default:
			return bad_option(argv[0], c, argv);
		}
	}
	if (argc - optind < nargs_min || argc - optind > nargs_max)
		return usage_err(argv[0], "%s needs %s", argv[0], what);
	return EX_CLEAN;
}

static int cmd_status(int argc, char **argv)
{
	struct dmv_dev d;
	bool json = false;
	int r = simple_args(argc, argv, 1, 1, &json, "NAME");

	if (r)
		return r < 0 ? EX_CLEAN : r;
	r = dmv_load(argv[optind], UINT64_MAX, &d, false);
	if (r)
		return r;
	if (json) {
		print_status_json(stdout, &d, "");
		putchar('\n');
	} else {
		print_status_text(stdout, &d, NULL);
	}
	return state_exit(&d);
}

/* Every dm device with a verify target. */
static int cmd_list(int argc, char **argv)
{
	struct dm_task *dmt;
	struct dm_names *names;
	unsigned int next = 0, count = 0;
	bool json = false;
	int r = simple_args(argc, argv, 0, 0, &json, "no arguments");
	int ret = EX_CLEAN;

	if (r)
		return r < 0 ? EX_CLEAN : r;
	dmt = dm_new(DM_DEVICE_LIST, NULL);
	if (!dmt)
		return EX_SYSTEM;
	if (!dm_task_run(dmt)) {
		err("cannot list device-mapper devices: %s (is the dm_mod module loaded, are you root?)",
		    dm_task_get_errno(dmt) ? strerror(dm_task_get_errno(dmt)) :
		    "unknown error");
		dm_task_destroy(dmt);
		return EX_SYSTEM;
	}
	names = dm_task_get_names(dmt);
	if (json)
		printf("[");
	if (names && names->dev) {
		do {
			struct dmv_dev d;

			names = (struct dm_names *)((char *)names + next);
			next = names->next;
			if (dmv_load(names->name, UINT64_MAX, &d, true))
				continue;
			if (json) {
				printf("%s\n  ", count ? "," : "");
				print_status_json(stdout, &d, "  ");
			} else {
				if (!count)
					printf("%-20s %-8s %10s %10s %10s %10s %10s %8s %8s %s\n",
					       "NAME", "STATE", "READS", "WRITES",
					       "MM_READS", "MM_SECTORS", "STATUS_MM",
					       "FAULTS", "POLICY", "LAST");
				printf("%-20s %-8s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %8s ",
				       d.name, d.s.state, d.s.c[0], d.s.c[1],
				       d.s.c[4], d.s.c[5], d.s.c[6], d.s.c[7],
				       d.t.policy);
				if (d.s.have_last)
					printf("%" PRIu64 "\n", d.s.last);
				else
					printf("-\n");
			}
			count++;
			if (state_exit(&d))
				ret = EX_MISMATCH;
		} while (next);
	}
	if (json)
		printf("%s]\n", count ? "\n" : "");
	else if (!count)
		fprintf(stderr, "No verify devices found.\n");
	dm_task_destroy(dmt);
	return ret;
}

static volatile sig_atomic_t stop_watch;

static void on_signal(int sig)
{
	(void)sig;
	stop_watch = 1;
}

static int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct dmv_status prev;
	struct dmv_dev d;
	double interval = 1.0;
	uint64_t count = 0, i;
	bool tty = isatty(STDOUT_FILENO), have_prev = false;
	const char *term = getenv("TERM");
	int c, r = EX_CLEAN;

	while ((c = getopt_long(argc, argv, "hi:c:n:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return help_requested(argv[0]);
		case 'i':
		case 'n':
			if (!parse_seconds(optarg, &interval))
				return usage_err(argv[0], "invalid interval '%s' (seconds, > 0)",
						 optarg);
			break;
		case 'c':
			if (!parse_u64(optarg, &count) || !count)
				return usage_err(argv[0], "invalid count '%s'", optarg);
			break;
		default:
			return bad_option(argv[0], c, argv);
		}
	}
	if (argc - optind != 1)
		return usage_err(argv[0], "watch needs NAME");
	if (term && !strcmp(term, "dumb"))
		tty = false;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (i = 0; !stop_watch && (!count || i < count); i++) {
		struct timespec ts;
		char when[64];
		time_t now;

		if (i) {
			ts.tv_sec = (time_t)interval;
			ts.tv_nsec = (long)((interval - (double)ts.tv_sec) * 1e9);
			while (nanosleep(&ts, &ts) && errno == EINTR && !stop_watch)
				;
			if (stop_watch)
				break;
		}
		r = dmv_load(argv[optind], UINT64_MAX, &d, false);
		if (r)
			return r;
		now = time(NULL);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
			 localtime(&now));
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (i)
			putchar('\n');
		printf("dmverify watch %s: every %gs, %s%s\n", d.name, interval,
		       when, tty ? " (Ctrl-C quits)" : "");
		print_status_text(stdout, &d, have_prev ? &prev : NULL);
		fflush(stdout);
		prev = d.s;
		have_prev = true;
		r = state_exit(&d);
	}
	return r;
}

struct mismatch {
	uint64_t seq, sector, bio_sector;
	unsigned int offset, bad, bio_sectors;
	char data[80], ref[80];
};

static bool parse_mismatch(char *line, struct mismatch *m, uint64_t start)
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

/* "aabb.." -> "aa bb ..", with a marker line for differing bytes. */
static void print_hex_pair(const char *data, const char *ref)
{
	size_t i, n = strlen(data) / 2, nr = strlen(ref) / 2;
	char mark[3 * 80 + 16];
	size_t len = 9;

	printf("    data:");
	for (i = 0; i < n; i++)
		printf(" %.2s", data + 2 * i);
	printf("\n    ref: ");
	for (i = 0; i < nr; i++)
		printf(" %.2s", ref + 2 * i);
	putchar('\n');
	memset(mark, ' ', sizeof(mark));
	for (i = 0; i < n && i < nr && i < 80; i++) {
		if (strncmp(data + 2 * i, ref + 2 * i, 2)) {
			memcpy(mark + 9 + 3 * i + 1, "^^", 2);
			len = 9 + 3 * i + 3;
		}
	}
	if (len > 9)
		printf("%.*s\n", (int)len, mark);
}

static int cmd_mismatches(int argc, char **argv)
{
	struct dmv_dev d;
	bool json = false;
	char *resp = NULL, *line, *save = NULL;
	unsigned int n = 0;
	int r = simple_args(argc, argv, 1, 1, &json, "NAME");

	if (r)
		return r < 0 ? EX_CLEAN : r;
	r = dmv_load(argv[optind], UINT64_MAX, &d, false);
	if (r)
		return r;
	r = dmv_message(&d, "mismatches", &resp);
	if (r)
		return r;
	if (!strncmp(resp, "error:", 6)) {
		err("%s: %s", d.name, resp);
		free(resp);
		return EX_SYSTEM;
	}
	if (json) {
		printf("{\n  \"name\": ");
		json_string(stdout, d.name);
		printf(",\n  \"state\": ");
		json_string(stdout, d.s.state);
		printf(",\n  \"mismatched_reads\": %" PRIu64, d.s.c[4]);
		printf(",\n  \"status_mismatches\": %" PRIu64, d.s.c[6]);
		printf(",\n  \"mismatches\": [");
	}
	for (line = strtok_r(resp, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct mismatch m;

		if (!parse_mismatch(line, &m, d.t.start)) {
			err("%s: unexpected line from the kernel: %s", d.name, line);
			continue;
		}
		if (json) {
			printf("%s\n    {\"seq\": %" PRIu64 ", \"sector\": %" PRIu64
			       ", \"offset\": %u, \"bad_sectors\": %u, \"bio_sector\": %" PRIu64
			       ", \"bio_sectors\": %u, \"data\": ",
			       n ? "," : "", m.seq, m.sector, m.offset, m.bad,
			       m.bio_sector, m.bio_sectors);
			json_string(stdout, m.data);
			printf(", \"ref\": ");
			json_string(stdout, m.ref);
			printf("}");
		} else {
			printf("#%" PRIu64 " sector %" PRIu64 " offset %u: %u sector%s differ%s, bio %" PRIu64 "+%u\n",
			       m.seq, m.sector, m.offset, m.bad,
			       m.bad == 1 ? "" : "s", m.bad == 1 ? "s" : "",
			       m.bio_sector, m.bio_sectors);
			print_hex_pair(m.data, m.ref);
		}
		n++;
	}
	if (json)
		printf("%s]\n}\n", n ? "\n  " : "");
	else if (!n && !strcmp(d.s.state, "ok"))
		printf("no mismatches recorded\n");
	else if (!n)
		printf("no read mismatches recorded (state %s, %" PRIu64 " status mismatches)\n",
		       d.s.state, d.s.c[6]);
	free(resp);
	return (n || state_exit(&d)) ? EX_MISMATCH : EX_CLEAN;
}

/* Read [off, off+len) of @fd with O_DIRECT through an aligned bounce buffer. */
static int read_span(int fd, unsigned int lbs, uint64_t off, size_t len,
		     unsigned char *bounce, unsigned char *dst, const char *what)
{
	uint64_t a0 = off & ~((uint64_t)lbs - 1);
	uint64_t a1 = (off + len + lbs - 1) & ~((uint64_t)lbs - 1);
	size_t done = 0, total = a1 - a0;

	while (done < total) {
		ssize_t n = pread(fd, bounce + done, total - done, a0 + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err("read of %s at byte %" PRIu64 " failed: %s", what,
			    a0 + done, n ? strerror(errno) : "end of device");
			return -1;
		}
		done += n;
	}
	memcpy(dst, bounce + (off - a0), len);
	return 0;
}

/* The "^^" line under a hexdump row, without trailing blanks. */
static void print_marker(const bool mark[16])
{
	char line[18 + 16 * 3 + 3 + 16 * 3 + 1];
	size_t len;
	int i;

	memset(line, ' ', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 16; i++) {
		if (!mark[i])
			continue;
		memcpy(line + 18 + 3 * i + 1, "^^", 2);
		memcpy(line + 18 + 16 * 3 + 3 + 3 * i + 1, "^^", 2);
	}
	len = strlen(line);
	while (len && line[len - 1] == ' ')
		line[--len] = '\0';
	puts(line);
}

static int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "only-diff", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const size_t chunk = 256 * 1024;
	struct dmv_dev d;
	uint64_t sector, count = 1, rel, s, diff_bytes = 0, diff_sectors = 0;
	uint64_t first_diff = UINT64_MAX;
	unsigned int dlbs = 512, rlbs = 512, lbs, align;
	unsigned char *bounce = NULL, *a = NULL, *b = NULL;
	char dpath[PATH_MAX], rpath[PATH_MAX];
	bool only_diff = false;
	int c, dfd = -1, rfd = -1, r;
	size_t bsize;

	while ((c = getopt_long(argc, argv, "hd", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return help_requested(argv[0]);
		case 'd':
			only_diff = true;
			break;
		default:
			return bad_option(argv[0], c, argv);
		}
	}
	if (argc - optind < 2 || argc - optind > 3)
		return usage_err(argv[0], "diff needs NAME SECTOR [COUNT]");
	if (!parse_u64(argv[optind + 1], &sector))
		return usage_err(argv[0], "invalid sector '%s'", argv[optind + 1]);
	if (argc - optind == 3 &&
	    (!parse_u64(argv[optind + 2], &count) || !count || count > (1ULL << 40)))
		return usage_err(argv[0], "invalid count '%s'", argv[optind + 2]);

	/* Exists and is a verify device at all? Then pick the target. */
	r = dmv_load(argv[optind], UINT64_MAX, &d, false);
	if (r)
		return r;
	if (sector < d.t.start || sector >= d.t.start + d.t.len) {
		if (d.nr_verify == 1) {
			err("sector %" PRIu64 " is past the end of %s (its verify target covers sectors %" PRIu64 "..%" PRIu64 ")",
			    sector, d.name, d.t.start, d.t.start + d.t.len - 1);
			return EX_USAGE;
		}
		r = dmv_load(argv[optind], sector, &d, false);
		if (r)
			return r == EX_SYSTEM && d.nr_verify ? EX_USAGE : r;
	}
	if (!strcmp(d.t.ref, "-")) {
		err("%s has no reference device, there is nothing to compare",
		    d.name);
		return EX_USAGE;
	}
	if (sector + count > d.t.start + d.t.len) {
		err("sectors %" PRIu64 "..%" PRIu64 " run past the end of %s (target %" PRIu64 "+%" PRIu64 ")",
		    sector, sector + count - 1, d.name, d.t.start, d.t.len);
		return EX_USAGE;
	}
	rel = sector - d.t.start;
	r = EX_SYSTEM;
	dfd = open_devno(d.t.data, O_RDONLY | O_DIRECT, dpath, sizeof(dpath));
	if (dfd < 0)
		goto out;
	rfd = open_devno(d.t.ref, O_RDONLY | O_DIRECT, rpath, sizeof(rpath));
	if (rfd < 0)
		goto out;
	if (ioctl(dfd, BLKSSZGET, &c) == 0 && c > 0)
		dlbs = c;
	if (ioctl(rfd, BLKSSZGET, &c) == 0 && c > 0)
		rlbs = c;
	lbs = dlbs > rlbs ? dlbs : rlbs;
	align = lbs > 4096 ? lbs : 4096;
	bsize = chunk + 2 * lbs;
	a = malloc(chunk);
	b = malloc(chunk);
	if (posix_memalign((void **)&bounce, align, bsize) || !a || !b) {
		err("out of memory");
		goto out;
	}

	printf("%s sectors %" PRIu64 "..%" PRIu64 ": data %s (%s) sector %" PRIu64
	       ", ref %s (%s) sector %" PRIu64 "\n",
	       d.name, sector, sector + count - 1, dpath, d.t.data,
	       d.t.data_off + rel, rpath, d.t.ref, d.t.ref_off + rel);
	printf("  %-10s %4s  %-48s | %s\n", "sector", "off", "data", "ref");

	for (s = 0; s < count; ) {
		uint64_t n = count - s;
		size_t len, row;

		if (n > chunk / SECTOR_SIZE)
			n = chunk / SECTOR_SIZE;
		len = n * SECTOR_SIZE;
		if (read_span(dfd, dlbs, (d.t.data_off + rel + s) * SECTOR_SIZE,
			      len, bounce, a, dpath) ||
		    read_span(rfd, rlbs, (d.t.ref_off + rel + s) * SECTOR_SIZE,
			      len, bounce, b, rpath))
			goto out;
		for (row = 0; row < len; row += 16) {
			uint64_t sec = sector + s + row / SECTOR_SIZE;
			unsigned int off = row % SECTOR_SIZE, i, nd = 0;
			bool mark[16];

			for (i = 0; i < 16; i++) {
				mark[i] = a[row + i] != b[row + i];
				if (mark[i]) {
					nd++;
					if (first_diff == UINT64_MAX)
						first_diff = (sector + s) * SECTOR_SIZE + row + i;
				}
			}
			diff_bytes += nd;
			if (only_diff && !nd)
				continue;
			printf("%c %-10" PRIu64 " %04x ", nd ? '*' : ' ', sec, off);
			for (i = 0; i < 16; i++)
				printf(" %02x", a[row + i]);
			printf("  |");
			for (i = 0; i < 16; i++)
				printf(" %02x", b[row + i]);
			putchar('\n');
			if (nd)
				print_marker(mark);
		}
		for (row = 0; row < len; row += SECTOR_SIZE)
			if (memcmp(a + row, b + row, SECTOR_SIZE))
				diff_sectors++;
		s += n;
	}
	if (diff_bytes) {
		printf("%" PRIu64 " of %" PRIu64 " bytes differ in %" PRIu64 " of %" PRIu64
		       " sector%s; first difference at sector %" PRIu64 " offset %" PRIu64 "\n",
		       diff_bytes, count * SECTOR_SIZE, diff_sectors, count,
		       count == 1 ? "" : "s", first_diff / SECTOR_SIZE,
		       first_diff % SECTOR_SIZE);
		r = EX_MISMATCH;
	} else {
		printf("0 of %" PRIu64 " bytes differ: %" PRIu64 " sector%s identical\n",
		       count * SECTOR_SIZE, count, count == 1 ? "" : "s");
		r = EX_CLEAN;
	}
out:
	free(bounce);
	free(a);
	free(b);
	if (dfd >= 0)
		close(dfd);
	if (rfd >= 0)
		close(rfd);
	return r;
}

static int cmd_fault(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf msg = { 0 };
	struct dmv_dev d;
	const char *sub;
	char *resp = NULL, *line, *save = NULL;
	bool json = false;
	uint64_t id;
	int c, i, nargs, r;

	/* Rule words never start with '-': stop at the first non-option. */
	while ((c = getopt_long(argc, argv, "+hj", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return help_requested(argv[0]);
		case 'j':
			json = true;
			break;
		default:
			return bad_option(argv[0], c, argv);
		}
	}
	nargs = argc - optind;
	if (nargs < 2)
		return usage_err(argv[0], "fault needs NAME and add|del|list|clear|enable|disable");
	sub = argv[optind + 1];
	if (nargs == 3 && !strcmp(argv[optind + 2], "--json") && !strcmp(sub, "list")) {
		json = true;
		nargs = 2;
	}
	if (!strcmp(sub, "add")) {
		if (nargs < 3)
			return usage_err(argv[0], "fault add needs RULE WORDS");
		sb_printf(&msg, "fault add");
		for (i = optind + 2; i < argc; i++)
			sb_words(&msg, argv[i]);
		if (!strcmp(msg.s, "fault add")) {
			free(msg.s);
			return usage_err(argv[0], "fault add needs RULE WORDS");
		}
	} else if (!strcmp(sub, "del")) {
		if (nargs != 3 || !parse_u64(argv[optind + 2], &id))
			return usage_err(argv[0], "fault del needs a numeric rule ID");
		sb_printf(&msg, "fault del %" PRIu64, id);
	} else if (!strcmp(sub, "list") || !strcmp(sub, "clear") ||
		   !strcmp(sub, "enable") || !strcmp(sub, "disable")) {
		if (nargs != 2)
			return usage_err(argv[0], "fault %s takes no arguments", sub);
		sb_printf(&msg, "fault %s", sub);
	} else {
		return usage_err(argv[0], "unknown fault operation '%s' (add, del, list, clear, enable or disable)",
				 sub);
	}
	if (json && strcmp(sub, "list")) {
		free(msg.s);
		return usage_err(argv[0], "--json only applies to fault list");
	}
	r = dmv_load(argv[optind], UINT64_MAX, &d, false);
	if (!r)
		r = dmv_message(&d, msg.s, &resp);
	free(msg.s);
	if (r)
		return r;
	if (!strcmp(sub, "add")) {
		fputs(resp, stdout);
		if (*resp && resp[strlen(resp) - 1] != '\n')
			putchar('\n');
	} else if (!strcmp(sub, "list")) {
		unsigned int n = 0;

		if (json)
			printf("[");
		else
			printf("%-4s %12s %12s  %s\n", "ID", "HITS", "MATCHES", "RULE");
		for (line = strtok_r(resp, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			unsigned int rid;
			unsigned long long hits, matches;
			int pos = 0;

			if (sscanf(line, "%u %llu %llu %n", &rid, &hits, &matches,
				   &pos) != 3 || !pos) {
				err("%s: unexpected line from the kernel: %s", d.name, line);
				continue;
			}
			if (json) {
				printf("%s\n  {\"id\": %u, \"hits\": %llu, \"matches\": %llu, \"rule\": ",
				       n ? "," : "", rid, hits, matches);
				json_string(stdout, line + pos);
				printf("}");
			} else {
				printf("%-4u %12llu %12llu  %s\n", rid, hits, matches,
				       line + pos);
			}
			n++;
		}
		if (json)
			printf("%s]\n", n ? "\n" : "");
	}
	free(resp);
	return EX_CLEAN;
}

static int cmd_reset(int argc, char **argv)
{
	struct dmv_dev d;
	char *resp = NULL;
	int r = simple_args(argc, argv, 1, 1, NULL, "NAME");

	if (r)
		return r < 0 ? EX_CLEAN : r;
	r = dmv_load(argv[optind], UINT64_MAX, &d, false);
	if (!r)
		r = dmv_message(&d, "reset", &resp);
	free(resp);
	return r;
}

static int cmd_policy(int argc, char **argv)
{
	struct dmv_dev d;
	char *resp = NULL, msg[64];
	int r = simple_args(argc, argv, 1, 2, NULL, "NAME [POLICY]");

	if (r)
		return r < 0 ? EX_CLEAN : r;
	if (argc - optind == 2 && !valid_policy(argv[optind + 1]))
		return usage_err(argv[0], "invalid policy '%s' (log, error, reference or halt)",
				 argv[optind + 1]);
	r = dmv_load(argv[optind], UINT64_MAX, &d, false);
	if (r)
		return r;
	if (argc - optind == 1) {
		printf("%s\n", d.t.policy);
		return EX_CLEAN;
	}
	snprintf(msg, sizeof(msg), "on_mismatch %s", argv[optind + 1]);
	r = dmv_message(&d, msg, &resp);
	free(resp);
	return r;
}

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "create", cmd_create,
	  "NAME DATA REF [--on-mismatch POLICY] [--seed N] [--fault \"RULE\"]...",
	  "create a verify device over DATA, compared against REF",
	  "Create the device-mapper device NAME with one verify target that covers\n"
	  "all of DATA and compares every read with the same sectors of REF.\n"
	  "The length is DATA's size; REF must be at least as large (a larger REF is\n"
	  "fine). REF may be '-' for no reference leg (counting and fault injection\n"
	  "only).\n"
	  "\n"
	  "  -p, --on-mismatch POLICY  log (default), error, reference or halt\n"
	  "  -s, --seed N              seed of the fault injection random numbers\n"
	  "  -f, --fault \"RULE\"        a fault rule (quoted words, repeatable), e.g.\n"
	  "                            --fault \"read sectors 0 8 every 2 error EIO\"\n" },
	{ "remove", cmd_remove, "NAME [--retry]",
	  "remove a verify device",
	  "Remove the verify device NAME. Refuses devices without a verify target.\n"
	  "\n"
	  "  -r, --retry   retry for a while if the device is busy\n" },
	{ "list", cmd_list, "[--json]",
	  "list every device with a verify target",
	  "One line per device-mapper device that has a verify target: state,\n"
	  "reads, writes, mismatched reads and sectors, status mismatches, faults\n"
	  "injected, policy and the last mismatching sector.\n"
	  "Exits 1 if any device is not in state ok.\n"
	  "\n"
	  "  -j, --json    a JSON array of the objects 'status --json' prints\n" },
	{ "status", cmd_status, "NAME [--json]",
	  "show every status field of a verify device",
	  "Print the status fields of NAME (state, counters, last mismatching\n"
	  "sector) and the table (data and reference device, offsets, policy,\n"
	  "seed, number of fault rules), one 'name: value' per line.\n"
	  "Exits 1 if the state is not ok.\n"
	  "\n"
	  "  -j, --json    one JSON object with the same names; numbers are JSON\n"
	  "                numbers, missing values are null\n" },
	{ "watch", cmd_watch, "NAME [--interval SEC] [--count N]",
	  "show live counters",
	  "Refresh the status of NAME every SEC seconds (default 1), in place on a\n"
	  "terminal, as repeated blocks otherwise. Changed counters show the\n"
	  "difference to the previous refresh. Exit status as for status, from the\n"
	  "last refresh.\n"
	  "\n"
	  "  -i, --interval SEC  seconds between refreshes (fractions allowed)\n"
	  "  -c, --count N       stop after N refreshes (default: until interrupted)\n" },
	{ "mismatches", cmd_mismatches, "NAME [--json]",
	  "show the recent read mismatch log",
	  "Print the target's log of recent read mismatches (the last 16): the\n"
	  "first differing sector and byte, the number of differing sectors, the\n"
	  "bio, and up to 16 bytes of each leg from the first difference.\n"
	  "Exits 1 if any mismatch is recorded or the state is not ok.\n"
	  "\n"
	  "  -j, --json    a JSON object with a \"mismatches\" array\n" },
	{ "diff", cmd_diff, "NAME SECTOR [COUNT] [--only-diff]",
	  "hexdump sectors of both legs side by side",
	  "Read COUNT (default 1) sectors starting at SECTOR of NAME directly from\n"
	  "the data and the reference device (table offsets applied, O_DIRECT) and\n"
	  "print them side by side, 16 bytes per row; rows that differ start with\n"
	  "'*' and are followed by a line marking the differing bytes with '^^'.\n"
	  "Exits 1 if any byte differs.\n"
	  "\n"
	  "  -d, --only-diff   print only the rows that differ\n" },
	{ "fault", cmd_fault,
	  "NAME add RULE WORDS... | del ID | list [--json] | clear | enable | disable",
	  "manage fault injection rules",
	  "add prints the new rule's id; list prints id, hits, matches and the\n"
	  "rule; clear deletes every rule; disable/enable pause and resume them.\n"
	  "A rule: OP [sectors START END] [flags fua,preflush,meta,sync] [every N]\n"
	  "[nth N] [times N] [after N] [prob PPM] [window UP_MS DOWN_MS] ACTION\n"
	  "with OP read, write, flush, discard, write_zeroes or any and ACTION\n"
	  "error [ERRNO] | error_after [ERRNO] | drop | delay MS [JITTER] |\n"
	  "corrupt [BYTE [XOR]]. A rule the kernel refuses is reported with the\n"
	  "kernel's reason.\n" },
	{ "reset", cmd_reset, "NAME",
	  "zero the counters, clear the log and the halted state",
	  "Zero every counter of NAME, clear its mismatch log and leave the halted\n"
	  "state.\n" },
	{ "policy", cmd_policy, "NAME [POLICY]",
	  "show or set the mismatch policy",
	  "Without POLICY print the current policy of NAME; with it switch to\n"
	  "log (count and log), error (fail the read), reference (return the\n"
	  "reference data) or halt (fail this and every later bio until reset).\n" },
	{ "help", cmd_help, "[COMMAND]", "show help", NULL },
};

#define NR_COMMANDS ARRAY_SIZE(commands)

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; name && i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void main_help(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: %s [-v] COMMAND [ARGS]...\n"
		"       %s COMMAND --help | help COMMAND | --help | --version\n"
		"\n"
		"Manage dm-verify devices: device-mapper devices that compare every\n"
		"read of a data device with a reference device.\n"
		"\n"
		"Commands:\n", prog, prog);
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -h, --help      show this help\n"
		"  -V, --version   show the version\n"
		"  -v, --verbose   show libdevmapper messages and the table (repeat for debug)\n"
		"\n"
		"Exit status: 0 clean, 1 mismatches present (status, list, mismatches,\n"
		"diff, watch), 2 usage error, 3 system error (no such device, device-mapper\n"
		"or kernel error, module not loaded).\n"
		"See dmverify(8).\n");
}

static void command_help(const struct command *c, FILE *f)
{
	if (!c) {
		main_help(f);
		return;
	}
	fprintf(f, "Usage: %s %s %s\n\n%s%s", prog, c->name, c->args,
		c->help ? c->help : "", c->help ? "" : "");
	if (!c->help)
		fprintf(f, "Show the help of COMMAND, or of dmverify.\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc > 2)
		return usage_err("help", "help takes at most one COMMAND");
	if (argc == 2 && !strcmp(argv[1], "--help"))
		return help_requested("help");
	if (argc < 2) {
		main_help(stdout);
		return EX_CLEAN;
	}
	c = find_command(argv[1]);
	if (!c)
		return usage_err(NULL, "unknown command '%s'", argv[1]);
	command_help(c, stdout);
	return EX_CLEAN;
}

static void print_version(void)
{
	char lib[64] = "unknown";

	if (!dm_get_library_version(lib, sizeof(lib)))
		snprintf(lib, sizeof(lib), "unknown");
	printf("dmverify %s (libdevmapper %s)\n", DMV_VERSION, lib);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd;
	int c, r;

	dm_log_with_errno_init(dm_logger);
	/* Options before the command only: stop at the first non-option. */
	while ((c = getopt_long(argc, argv, "+hVv", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			main_help(stdout);
			return EX_CLEAN;
		case 'V':
			print_version();
			return EX_CLEAN;
		case 'v':
			verbose++;
			break;
		default:
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		main_help(stderr);
		return EX_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return usage_err(NULL, "unknown command '%s'", argv[optind]);

	if (getenv("DM_DISABLE_UDEV")) {
		/* No udev (e.g. an initramfs): libdevmapper makes the nodes. */
		dm_udev_set_sync_support(0);
		use_udev_cookies = false;
	} else {
		use_udev_cookies = dm_udev_get_sync_support() != 0;
	}

	argv += optind;
	argc -= optind;
	optind = 0;		/* reinitialise getopt for the command */
	r = cmd->fn(argc, argv);
	fflush(stdout);
	dm_lib_release();
	dm_lib_exit();
	if (ferror(stdout) && r == EX_CLEAN)
		r = EX_SYSTEM;
	return r;
}
