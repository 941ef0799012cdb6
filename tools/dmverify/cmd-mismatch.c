// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify mismatches and diff: the target's mismatch log, and the two
 * legs' bytes side by side.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dmverify.h"

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

int cmd_mismatches(struct dmv_opts *o, int argc, char **argv)
{
	bool table = o->json || o->columns || o->noheadings || o->raw;
	struct dmv_out *out = NULL;
	struct dmv_dev d;
	char *resp = NULL, *line, *save = NULL;
	unsigned int n = 0;
	int r;

	(void)argc;
	r = output_new(&out, DMV_OUT_MISMATCH, o, dmv_cmd);
	if (!r)
		r = dmv_load(argv[0], UINT64_MAX, &d, false);
	if (!r)
		r = dmv_message(&d, "mismatches", &resp);
	if (r)
		goto out;
	if (!strncmp(resp, "error:", 6)) {
		warnx("%s: %s", d.name, resp);
		r = EX_SYSTEM;
		goto out;
	}
	for (line = strtok_r(resp, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct dmv_mismatch m;

		if (!parse_mismatch(line, &m, d.t.start)) {
			warnx("%s: unexpected line from the kernel: %s", d.name, line);
			continue;
		}
		if (table) {
			output_mismatch(out, &m);
		} else {
			printf("#%" PRIu64 " sector %" PRIu64 " offset %u: %u sector%s differ%s, bio %" PRIu64 "+%u\n",
			       m.seq, m.sector, m.offset, m.bad,
			       m.bad == 1 ? "" : "s", m.bad == 1 ? "s" : "",
			       m.bio_sector, m.bio_sectors);
			print_hex_pair(m.data, m.ref);
		}
		n++;
	}
	if (table && (n || o->json))
		output_print(out);
	else if (!table && !n && !strcmp(d.s.state, "ok"))
		printf("no mismatches recorded\n");
	else if (!table && !n)
		printf("no read mismatches recorded (state %s, %" PRIu64 " status mismatches)\n",
		       d.s.state, d.s.v[DMV_ST_STATUS_MISMATCHES]);
	r = (n || dmv_state_exit(&d)) ? EX_MISMATCH : EX_CLEAN;
out:
	output_free(out);
	free(resp);
	return r;
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
			warnx("read of %s at byte %" PRIu64 " failed: %s", what,
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

int cmd_diff(struct dmv_opts *o, int argc, char **argv)
{
	const size_t chunk = 256 * 1024;
	struct dmv_dev d;
	uint64_t sector, count = 1, rel, s, diff_bytes = 0, diff_sectors = 0;
	uint64_t first_diff = UINT64_MAX;
	unsigned int dlbs = 512, rlbs = 512, lbs, align;
	unsigned char *bounce = NULL, *a = NULL, *b = NULL;
	char dpath[PATH_MAX], rpath[PATH_MAX];
	bool only_diff = o->only_diff;
	int c, dfd = -1, rfd = -1, r;
	size_t bsize;

	if (!parse_u64(argv[1], &sector))
		return usage_err(dmv_cmd, "invalid sector '%s'", argv[1]);
	if (argc == 3 &&
	    (!parse_u64(argv[2], &count) || !count || count > (1ULL << 40)))
		return usage_err(dmv_cmd, "invalid count '%s'", argv[2]);

	/* Exists and is a verify device at all? Then pick the target. */
	r = dmv_load(argv[0], UINT64_MAX, &d, false);
	if (r)
		return r;
	if (sector < d.t.start || sector >= d.t.start + d.t.len) {
		if (d.nr_verify == 1) {
			warnx("sector %" PRIu64 " is past the end of %s (its verify target covers sectors %" PRIu64 "..%" PRIu64 ")",
			      sector, d.name, d.t.start, d.t.start + d.t.len - 1);
			return EX_USAGE;
		}
		r = dmv_load(argv[0], sector, &d, false);
		if (r)
			return r == EX_SYSTEM && d.nr_verify ? EX_USAGE : r;
	}
	if (!strcmp(d.t.ref, "-")) {
		warnx("%s has no reference device, there is nothing to compare",
		      d.name);
		return EX_USAGE;
	}
	if (sector + count > d.t.start + d.t.len) {
		warnx("sectors %" PRIu64 "..%" PRIu64 " run past the end of %s (target %" PRIu64 "+%" PRIu64 ")",
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
		warnx("out of memory");
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

