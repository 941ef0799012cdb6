// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: what the two metadata superblocks share, the digest store's
 * (dm-verify-digest-meta.c, "DMVDIGST") and the reference-mode state's
 * (dm-verify-state-meta.c, "DMVSTATE"): block 0 of 4 KiB, starting with a
 * CRC-32C of the rest of the block, the flags and a magic, so that both
 * are told apart from each other, from a zeroed device and from anything
 * else in the same way.
 */
#include "dm-verify.h"

#include <linux/crc32c.h>
#include <linux/dm-bufio.h>

/* The head both superblocks start with. */
struct verify_meta_sb_head {
	__le32 csum;		/* CRC-32C of the rest of the block */
	__le32 flags;
	__le64 magic;
} __packed;

u32 dm_verify_meta_sb_csum(const void *block)
{
	return ~crc32c(~0U, block + sizeof(__le32),
		       VERIFY_META_SB_BLOCK - sizeof(__le32));
}

/*
 * Read block 0 of @bufio afresh (another table may have written it since
 * we read it) and check its head against @magic.  Returns the block, held
 * in *@bp for the caller to check the rest and release; *@fresh set when
 * it is all zero (an empty device).  Else an ERR_PTR with @err set: the
 * read failed, or the block is not ours (@not_ours) or its checksum is
 * wrong.
 */
void *dm_verify_meta_sb_read(struct dm_bufio_client *bufio, u64 magic,
			     char *not_ours, struct dm_buffer **bp,
			     bool *fresh, char **err)
{
	const struct verify_meta_sb_head *h;
	void *p;

	BUILD_BUG_ON(sizeof(*h) != 16);
	*fresh = false;
	dm_bufio_forget(bufio, 0);
	p = dm_bufio_read(bufio, 0, bp);
	if (IS_ERR(p)) {
		*err = "Cannot read the metadata superblock";
		return p;
	}
	h = p;
	if (!memchr_inv(p, 0, VERIFY_META_SB_BLOCK)) {
		*fresh = true;
		return p;
	}
	if (le64_to_cpu(h->magic) != magic)
		*err = not_ours;
	else if (le32_to_cpu(h->csum) != dm_verify_meta_sb_csum(p))
		*err = "Metadata superblock checksum mismatch";
	else
		return p;
	dm_bufio_release(*bp);
	return ERR_PTR(-EINVAL);
}

/*
 * Seal superblock @sb, held in @b from @bufio, with its checksum, release
 * it and write it with every other dirty block, then flush: on success
 * the whole save is durable.
 */
int dm_verify_meta_sb_write(struct dm_bufio_client *bufio, struct dm_buffer *b,
			    void *sb)
{
	struct verify_meta_sb_head *h = sb;
	int r;

	h->csum = cpu_to_le32(dm_verify_meta_sb_csum(sb));
	dm_bufio_mark_buffer_dirty(b);
	dm_bufio_release(b);
	r = dm_bufio_write_dirty_buffers(bufio);
	if (!r)
		r = dm_bufio_issue_flush(bufio);
	return r;
}
