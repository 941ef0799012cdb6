// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify: the kernel's reason for a refused table or message.
 *
 * The kernel explains why it refused a table or a message only in its log.
 * klog_open() takes a position at the end of /dev/kmsg before the ioctl;
 * after a failed ioctl klog_report() reads the records written since then
 * and prints the verify target's.  printk() stores a record before the
 * ioctl returns, so one non-blocking pass until EAGAIN normally finds it;
 * only when nothing matched does it look again, briefly.  Best effort:
 * without access to /dev/kmsg it prints nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dmverify.h"

#define KLOG_RETRIES	5
#define KLOG_RETRY_NS	10000000L	/* 10 ms */

int klog_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * The text after the prefix the kernel puts before a verify target's
 * message, or NULL if @msg is not one:
 *   table load: "device-mapper: table: M:m: verify: <ti->error>"
 *   message:    "device-mapper: verify: M:m: <reason>"
 * A table is refused before the device has a number we know, so for it any
 * device-mapper M:m matches.
 */
static const char *klog_match(const char *msg, enum dmv_klog_kind kind,
			      uint32_t major, uint32_t minor)
{
	unsigned int ma, mi;
	int pos = 0;

	if (kind == DMV_KLOG_TABLE) {
		if (sscanf(msg, "device-mapper: table: %u:%u: " DMV_TARGET ": %n",
			   &ma, &mi, &pos) != 2 || !pos)
			return NULL;
		if (major || minor ? ma != major || mi != minor : !dm_is_dm_major(ma))
			return NULL;
		return msg + pos;
	}
	if (sscanf(msg, "device-mapper: " DMV_TARGET ": %u:%u: %n", &ma, &mi,
		   &pos) != 2 || !pos || ma != major || mi != minor)
		return NULL;
	/* Reports of I/O that happens to run meanwhile are no reason. */
	if (strstr(msg, "read mismatch at sector") ||
	    strstr(msg, "status mismatch at sector") ||
	    strstr(msg, ": fault rule "))
		return NULL;
	return msg + pos;
}

/* One pass over the new records; returns the number printed. */
static int klog_pass(int fd, enum dmv_klog_kind kind, uint32_t major,
		     uint32_t minor)
{
	char rec[8192];
	int n = 0;

	for (;;) {
		ssize_t len = read(fd, rec, sizeof(rec) - 1);
		char *msg, *end;

		if (len < 0 && (errno == EPIPE || errno == EINTR))
			continue;	/* overwritten records, or a signal */
		if (len <= 0)
			break;		/* EAGAIN: no more records */
		rec[len] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		if (!klog_match(msg, kind, major, minor))
			continue;
		fprintf(stderr, "%s: kernel: %s\n", program_invocation_short_name,
			msg + strlen("device-mapper: "));
		n++;
	}
	return n;
}

/*
 * Print the verify target's records since klog_open() for the device
 * @major:@minor (for DMV_KLOG_TABLE 0:0 is any device); returns the count.
 */
int klog_report(int fd, enum dmv_klog_kind kind, uint32_t major,
		uint32_t minor)
{
	const struct timespec ts = { 0, KLOG_RETRY_NS };
	int i, n = 0;

	if (fd < 0)
		return 0;
	for (i = 0; i <= KLOG_RETRIES && !n; i++) {
		if (i)
			nanosleep(&ts, NULL);
		n = klog_pass(fd, kind, major, minor);
	}
	return n;
}

void klog_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
