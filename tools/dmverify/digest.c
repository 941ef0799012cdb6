// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify create --digest META|- and --digest-block BYTES: digest mode, in
 * which the target keeps a 64-bit digest of every block written through it
 * and checks reads (and scrub passes) against them instead of reading a
 * reference.  Kept in its own file, with one hook in each of the option
 * parser and create, so that other create options merge without touching
 * this.
 */
#define _GNU_SOURCE
#include <err.h>
#include <inttypes.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dmverify.h"

/* The kernel's limits for digest_block (dm-verify-digest.c). */
#define DIGEST_BLOCK_MIN	512
#define DIGEST_BLOCK_MAX	1048576

/*
 * -D/--digest and -B/--digest-block of create.  Returns EX_CLEAN, EX_USAGE
 * (message printed), or -1 when @c is not a digest option.
 */
int digest_option(struct dmv_opts *o, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case 'D':
		if (!*arg)
			return usage_err(dmv_cmd, "--digest needs a metadata device or '-'");
		o->digest.meta = arg;
		return EX_CLEAN;
	case 'B':
		if (!parse_u64(arg, &v) || v < DIGEST_BLOCK_MIN ||
		    v > DIGEST_BLOCK_MAX || (v & (v - 1)))
			return usage_err(dmv_cmd, "invalid digest block size '%s' (bytes, a power of two from %u to %u)",
					 arg, DIGEST_BLOCK_MIN, DIGEST_BLOCK_MAX);
		o->digest.block = v;
		return EX_CLEAN;
	}
	return -1;
}

/*
 * Check the digest options of create against REF and the other options,
 * and open the metadata device (kept open in o->digest.fd until
 * digest_close(), as create keeps DATA open).  Returns EX_CLEAN, EX_USAGE
 * or EX_SYSTEM, each with its message.
 */
int digest_prepare(struct dmv_opts *o, const char *ref, dev_t data)
{
	struct dmv_digest *dg = &o->digest;
	uint64_t bytes;

	dg->fd = -1;
	if (!dg->meta) {
		if (dg->block)
			return usage_err(dmv_cmd, "--digest-block needs --digest");
		return EX_CLEAN;
	}
	if (strcmp(ref, "-"))
		return usage_err(dmv_cmd, "--digest takes '-' as REF: digest mode has no reference device");
	if (o->sync || o->have_write_cache)
		return usage_err(dmv_cmd, "--%s needs a reference device, not --digest",
				 o->sync ? "sync" : "write-cache");
	if (!strcmp(dg->meta, "-"))
		return EX_CLEAN;
	dg->fd = open_blockdev(dg->meta, &bytes, &dg->rdev);
	if (dg->fd < 0)
		return EX_SYSTEM;
	if (dg->rdev == data) {
		warnx("the metadata device %s is DATA itself", dg->meta);
		digest_close(o);
		return EX_SYSTEM;
	}
	return EX_CLEAN;
}

void digest_close(struct dmv_opts *o)
{
	if (o->digest.fd >= 0)
		close(o->digest.fd);
	o->digest.fd = -1;
}

/* Feature words the digest options add to the table. */
unsigned int digest_words(const struct dmv_opts *o)
{
	if (!o->digest.meta)
		return 0;
	return o->digest.block ? 4 : 2;
}

/* " digest <major:minor|-> [digest_block <bytes>]" */
void digest_features(const struct dmv_opts *o, FILE *f)
{
	const struct dmv_digest *dg = &o->digest;

	if (!dg->meta)
		return;
	if (dg->fd >= 0)
		fprintf(f, " digest %u:%u", major(dg->rdev), minor(dg->rdev));
	else
		fputs(" digest -", f);
	if (dg->block)
		fprintf(f, " digest_block %" PRIu32, dg->block);
}
