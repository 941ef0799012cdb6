// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify: block devices, by major:minor from a table or by a path the
 * user gave.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dmverify.h"

/*
 * "/dev/mapper/<name>" or "/dev/<kernel name>" for a major:minor (through
 * libdevmapper's dm_device_get_name()), else the major:minor itself.
 */
void devno_path(const char *devno, char *out, size_t len)
{
	unsigned int ma, mi;
	char name[256], *c;

	snprintf(out, len, "%s", devno);
	if (sscanf(devno, "%u:%u", &ma, &mi) != 2 ||
	    !dm_device_get_name(ma, mi, 0, name, sizeof(name)))
		return;
	if (dm_is_dm_major(ma)) {
		snprintf(out, len, "%s/%s", dm_dir(), name);
		return;
	}
	/* Kernel names spell '/' in a device's path as '!' (cciss!c0d0). */
	for (c = name; *c; c++)
		if (*c == '!')
			*c = '/';
	snprintf(out, len, "/dev/%s", name);
}

/*
 * Open the block device @devno ("major:minor"): through its /dev node when
 * that is the right device, else through a private temporary node.
 */
int open_devno(const char *devno, int flags, char *path, size_t plen)
{
	unsigned int ma, mi;
	char tmpl[] = "/tmp/dmverify.XXXXXX", node[64];
	struct stat st;
	dev_t dev;
	int fd;

	if (sscanf(devno, "%u:%u", &ma, &mi) != 2) {
		warnx("unexpected device '%s' in the table", devno);
		return -1;
	}
	dev = makedev(ma, mi);
	devno_path(devno, path, plen);
	if (path[0] == '/' && stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
	    st.st_rdev == dev) {
		fd = open(path, flags | O_CLOEXEC);
		if (fd < 0)
			warn("cannot open %s", path);
		return fd;
	}
	if (!mkdtemp(tmpl)) {
		warn("cannot create a temporary directory");
		return -1;
	}
	snprintf(node, sizeof(node), "%s/dev", tmpl);
	if (mknod(node, S_IFBLK | 0600, dev)) {
		warn("no device node for %s and cannot create one", devno);
		rmdir(tmpl);
		return -1;
	}
	fd = open(node, flags | O_CLOEXEC);
	if (fd < 0)
		warn("cannot open block device %s", devno);
	unlink(node);
	rmdir(tmpl);
	return fd;
}

/* Open a user-named block device and get its size. */
int open_blockdev(const char *path, uint64_t *bytes, dev_t *rdev)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		warn("cannot open %s", path);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISBLK(st.st_mode)) {
		warnx("%s is not a block device", path);
		close(fd);
		return -1;
	}
	if (ioctl(fd, BLKGETSIZE64, bytes)) {
		warn("cannot get the size of %s", path);
		close(fd);
		return -1;
	}
	*rdev = st.st_rdev;
	return fd;
}
