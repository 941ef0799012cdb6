// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-verify: online sync, a background pass that copies the data device to
 * the reference, so that a volume already in use (a filesystem, a database)
 * becomes the trusted start without stopping it for a dd.
 *
 * The range a sync covers is "unsynced" (verify_c.unsynced) from the moment
 * it starts, or from the constructor with the "sync" feature, so no read
 * compares it before the pass has copied it.  The pass runs on the
 * background pass's machinery (dm-verify-scrub.c): each chunk is tracked as
 * a write, so no bio overlaps it while it reads the data leg and writes the
 * reference; then the chunk leaves the unsynced set.  A write that completes
 * on both legs makes its range comparable at once, as the legs now agree
 * there; the pass copies only what is still unsynced, or a write the data
 * device lost after it completed would be copied over on the reference,
 * and never found.  A pass that stops leaves the rest unsynced, and a chunk
 * that fails stays so: never a false mismatch, and a later sync completes
 * it.  Regions undefined for
 * other reasons (failed writes, discards) stay undefined: their content may
 * differ at each read, whatever a copy found.
 *
 * In digest mode there is no reference: a sync takes the digests of what
 * the data device holds, which makes every block of its range known (after
 * an unclean shutdown, say), and trusts that content as a reference-mode
 * sync does.
 */
#include "dm-verify.h"

/*
 * Write the parts of the chunk in @buf that are still unsynced to the
 * reference.  The chunk is tracked as a write: no write changes the set
 * inside it meanwhile.
 */
static int verify_sync_copy(struct verify_c *vc, struct verify_io *io,
			    struct dm_io_client *client, void *buf)
{
	sector_t pos = io->sector, end = io->sector + io->nr_sectors;
	struct verify_extent e;
	int r;

	while (pos < end &&
	       verify_extents_first_locked(vc, &vc->unsynced, pos, end, &e)) {
		r = dm_verify_pass_io(client, vc->ref_dev, vc->ref_start + e.start,
				      REQ_OP_WRITE | REQ_FUA,
				      buf + ((e.start - io->sector) << SECTOR_SHIFT),
				      e.end - e.start);
		if (r)
			return r;
		pos = e.end;
	}
	return 0;
}

/* Copy one tracked chunk of the data leg to the reference.  Sleeps. */
int dm_verify_sync_chunk(struct verify_c *vc, struct verify_io *io,
			 struct dm_io_client *client, void *buf)
{
	unsigned long flags;
	int r;

	r = dm_verify_pass_io(client, vc->data_dev, vc->data_start + io->sector,
			      REQ_OP_READ, buf, io->nr_sectors);
	if (!r && vc->digest) {
		/*
		 * Logged like a write: a block made known here may have an
		 * older digest saved from before it became unknown, which a
		 * crash must not leave trusted in a region marked clean.
		 */
		if (!dm_verify_digest_intent_begin(vc, io))
			r = dm_verify_digest_intent_wait(vc, io);
		if (!r)
			dm_verify_digest_sync(vc, io->sector, io->nr_sectors,
					      buf);
		dm_verify_digest_intent_end(vc, io);
	} else if (!r) {
		r = verify_sync_copy(vc, io, client, buf);
	}
	if (r) {
		DMERR_LIMIT("%s: sync: copy of sector %llu+%u failed (%d)",
			    dm_table_device_name(vc->ti->table),
			    (unsigned long long)io->sector, io->nr_sectors, r);
		return r;
	}
	spin_lock_irqsave(&vc->lock, flags);
	dm_verify_extents_remove(&vc->unsynced, io->sector,
				 io->sector + io->nr_sectors);
	spin_unlock_irqrestore(&vc->lock, flags);
	return 0;
}

/*
 * Feature "sync", at the first resume: copy what is unsynced.  That is the
 * whole target unless this table took over the state of the one it
 * replaces, or loaded it from its metadata device: then only what that
 * state had not synced yet.  Copying the rest again would put on the
 * reference whatever the data device holds now, and a write it lost since
 * (the evidence the reference keeps) would never be found.
 */
void dm_verify_sync_resume(struct verify_c *vc)
{
	struct verify_extent e;
	unsigned long flags;
	bool any;

	if (!vc->sync_at_resume)
		return;
	vc->sync_at_resume = false;
	spin_lock_irqsave(&vc->lock, flags);
	any = dm_verify_extents_bounds(&vc->unsynced, &e);
	spin_unlock_irqrestore(&vc->lock, flags);
	if (any)
		dm_verify_pass_start(vc, VERIFY_PASS_SYNC, false, false,
				     e.start, min_t(sector_t, e.end, vc->ti->len));
}

/*
 * Messages:
 *   sync [<start> <end>]   copy the data leg to the reference, default all
 *   sync stop              end the running pass (as scrub stop does)
 */
int dm_verify_sync_message(struct verify_c *vc, unsigned int argc,
			   char **argv)
{
	if (argc == 1 && !strcasecmp(argv[0], "stop")) {
		dm_verify_scrub_stop(vc);
		return 0;
	}
	return dm_verify_pass_message(vc, VERIFY_PASS_SYNC, false, argc, argv,
				      "[<start> <end>] or stop");
}
