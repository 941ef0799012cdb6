// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify: the libdevmapper layer.  Every request to the kernel goes
 * through here (never through dmsetup); failures are explained here.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dmverify.h"

static char dm_last_error[512];		/* first error of the current request */
static char dm_first_error[512];	/* first error of this run */

/*
 * libdevmapper logger: keep the first error of a request for our own
 * messages, show everything only with -v.
 */
static void __printf(5, 6)
dmv_logger(int level, const char *file, int line, int dm_errno_or_class,
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
		fprintf(stderr, "%s: libdevmapper: ", program_invocation_short_name);
		va_start(ap, f);
		vfprintf(stderr, f, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

void dmv_log_init(void)
{
	dm_log_with_errno_init(dmv_logger);
}

void dmv_report_failure(struct dm_task *dmt, const char *what,
			const char *name)
{
	int e = dmt ? dm_task_get_errno(dmt) : 0;

	switch (e) {
	case ENXIO:
		warnx("no device-mapper device named '%s'", name);
		return;
	case EBUSY:
		warnx("%s %s: device is busy (open, mounted or in use by another device)",
		      what, name);
		return;
	case EEXIST:
		warnx("%s %s: a device-mapper device with that name already exists",
		      what, name);
		return;
	case EPERM:
	case EACCES:
		warnx("%s %s: permission denied (device-mapper needs root)",
		      what, name);
		return;
	case 0:
		if (dm_last_error[0])
			warnx("%s %s: %s", what, name, dm_last_error);
		else
			warnx("%s %s: device-mapper request failed (is the dm_mod module loaded?)",
			      what, name);
		return;
	default:
		warnx("%s %s: %s", what, name, strerror(e));
	}
}

struct dm_task *dmv_task_new(int type, const char *name)
{
	struct dm_task *dmt;

	dm_last_error[0] = '\0';
	dmt = dm_task_create(type);
	if (!dmt) {
		if (dm_last_error[0] || dm_first_error[0])
			warnx("cannot talk to the kernel's device-mapper driver (%s); is the dm_mod module loaded, are you root?",
			      dm_first_error[0] ? dm_first_error : dm_last_error);
		else
			warnx("cannot create a device-mapper task (out of memory?)");
		return NULL;
	}
	if (name && !dm_task_set_name(dmt, name)) {
		warnx("invalid device name '%s'", name);
		dm_task_destroy(dmt);
		return NULL;
	}
	return dmt;
}

/* Run a task that changes device nodes (create, remove). */
int dmv_run_with_nodes(struct dm_task *dmt)
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
 * Is the verify target type registered?  Returns 1 yes (its version in
 * @version), 0 no, -1 when device-mapper itself cannot be reached (message
 * printed).
 */
int dmv_target_version(char *version, size_t vlen)
{
	struct dm_task *dmt = dmv_task_new(DM_DEVICE_LIST_VERSIONS, NULL);
	struct dm_versions *v, *last;
	int found = 0;

	if (!dmt)
		return -1;
	if (!dm_task_run(dmt)) {
		warnx("cannot talk to device-mapper: %s (is the dm_mod module loaded, are you root?)",
		      dm_task_get_errno(dmt) ? strerror(dm_task_get_errno(dmt)) :
		      (dm_last_error[0] ? dm_last_error : "unknown error"));
		dm_task_destroy(dmt);
		return -1;
	}
	v = dm_task_get_versions(dmt);
	do {
		last = v;
		if (!strcmp(v->name, DMV_TARGET)) {
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

int dmv_require_target(void)
{
	int r = dmv_target_version(NULL, 0);

	if (r < 0)
		return EX_SYSTEM;
	if (!r) {
		warnx("the '%s' device-mapper target is not loaded", DMV_TARGET);
		fprintf(stderr,
			"Load it with 'modprobe dm-verify' (or 'insmod dm-verify.ko' from a build tree),\n"
			"or install the module with DKMS first (dkms install dm-verify/<version>).\n");
		return EX_SYSTEM;
	}
	return EX_CLEAN;
}

/* 1 if the dm device @name exists, 0 if not, -1 on error (printed). */
int dmv_device_exists(const char *name)
{
	struct dm_task *dmt = dmv_task_new(DM_DEVICE_INFO, name);
	struct dm_info info;
	int r = -1;

	if (!dmt)
		return -1;
	if (!dm_task_run(dmt) || !dm_task_get_info(dmt, &info))
		dmv_report_failure(dmt, "info", name);
	else
		r = info.exists ? 1 : 0;
	dm_task_destroy(dmt);
	return r;
}

/*
 * Run @type (DM_DEVICE_TABLE or DM_DEVICE_STATUS) on @name and return the
 * params of the verify target selected by @sector (the one containing it,
 * or the first verify target when @sector is UINT64_MAX).
 * Returns EX_CLEAN, or EX_SYSTEM with a message printed.
 */
static int dmv_target_params(int type, const char *name, uint64_t sector,
			     struct dmv_dev *d, uint64_t *start, uint64_t *len,
			     char **params_out, bool quiet_missing)
{
	struct dm_task *dmt = dmv_task_new(type, name);
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
			dmv_report_failure(dmt, "status", name);
		goto out;
	}
	if (!dm_task_get_info(dmt, &info) || !info.exists) {
		if (!quiet_missing)
			warnx("no device-mapper device named '%s'", name);
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
		if (strcmp(ttype, DMV_TARGET)) {
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
		if (!*params_out)
			errx(EX_SYSTEM, "out of memory");
		*start = st;
		*len = ln;
	} while (next);
	if (!*params_out) {
		if (!quiet_missing) {
			if (sector != UINT64_MAX && d && d->nr_verify)
				warnx("%s: sector %" PRIu64 " is not inside a %s target",
				      name, sector, DMV_TARGET);
			else
				warnx("%s is not a dm-verify device (its table has %s)",
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
int dmv_load(const char *name, uint64_t sector, struct dmv_dev *d,
	     bool quiet_missing)
{
	uint64_t st, ln, st2, ln2;
	char *p = NULL;
	int r;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	r = dmv_target_params(DM_DEVICE_TABLE, name, sector, d, &st, &ln, &p,
			      quiet_missing);
	if (r)
		return r;
	d->t.start = st;
	d->t.len = ln;
	if (!parse_table(p, &d->t)) {
		warnx("%s: cannot parse the table line '%s'", name, p);
		free(p);
		return EX_SYSTEM;
	}
	free(p);
	r = dmv_target_params(DM_DEVICE_STATUS, name, st, NULL, &st2, &ln2, &p,
			      quiet_missing);
	if (r)
		return r;
	if (!parse_status(p, &d->s, st)) {
		warnx("%s: cannot parse the status line '%s'", name, p);
		free(p);
		return EX_SYSTEM;
	}
	free(p);
	return EX_CLEAN;
}

/*
 * Exit 1 when the device has mismatches.  State crashed hides mismatch and
 * halted (it has priority in the kernel), and a power cut is no mismatch by
 * itself, so a crashed device is judged by its mismatch counters.
 */
int dmv_state_exit(const struct dmv_dev *d)
{
	if (!strcmp(d->s.state, "crashed"))
		return d->s.v[DMV_ST_MISMATCHED_READS] ||
		       d->s.v[DMV_ST_STATUS_MISMATCHES] ||
		       d->s.v[DMV_ST_SCRUB_MISMATCHES] ? EX_MISMATCH : EX_CLEAN;
	return strcmp(d->s.state, "ok") ? EX_MISMATCH : EX_CLEAN;
}

/*
 * Send a message to the verify target of @d.  On success *resp is the
 * kernel's answer (malloc'd, maybe empty).  On failure the kernel's reason
 * is printed from its log.
 */
int dmv_message(const struct dmv_dev *d, const char *msg, char **resp)
{
	struct dm_task *dmt = dmv_task_new(DM_DEVICE_TARGET_MSG, d->name);
	const char *r;
	int fd, ret = EX_SYSTEM;

	if (resp)
		*resp = NULL;
	if (!dmt)
		return EX_SYSTEM;
	if (!dm_task_set_sector(dmt, d->t.start) ||
	    !dm_task_set_message(dmt, msg)) {
		warnx("cannot set up message '%s'", msg);
		goto out;
	}
	fd = klog_open();
	if (!dm_task_run(dmt)) {
		int e = dm_task_get_errno(dmt);

		warnx("%s: the kernel rejected message '%s'%s%s", d->name, msg,
		      e ? ": " : "", e ? strerror(e) : "");
		klog_report(fd, DMV_KLOG_MESSAGE, d->major, d->minor);
		klog_close(fd);
		goto out;
	}
	klog_close(fd);
	r = dm_task_get_message_response(dmt);
	if (resp) {
		*resp = strdup(r ? r : "");
		if (!*resp)
			errx(EX_SYSTEM, "out of memory");
	}
	ret = EX_CLEAN;
out:
	dm_task_destroy(dmt);
	return ret;
}

/* The names of all dm devices: *names is NULL when there are none. */
int dmv_list_names(struct dm_task **dmtp, struct dm_names **names)
{
	struct dm_task *dmt = dmv_task_new(DM_DEVICE_LIST, NULL);

	*dmtp = NULL;
	*names = NULL;
	if (!dmt)
		return EX_SYSTEM;
	if (!dm_task_run(dmt)) {
		warnx("cannot list device-mapper devices: %s (is the dm_mod module loaded, are you root?)",
		      dm_task_get_errno(dmt) ? strerror(dm_task_get_errno(dmt)) :
		      "unknown error");
		dm_task_destroy(dmt);
		return EX_SYSTEM;
	}
	*dmtp = dmt;
	*names = dm_task_get_names(dmt);
	if (*names && !(*names)->dev)
		*names = NULL;
	return EX_CLEAN;
}
