// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify create and remove.
 */
#define _GNU_SOURCE
#include <err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dmverify.h"

/* The verify table line: "<data> 0 <ref|-> 0 [<#words> <features>]". */
static char *table_params(const struct dmv_opts *o, dev_t data, bool have_ref,
			  dev_t ref, dev_t meta)
{
	unsigned int nwords = o->feature_words;
	char *params = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&params, &len);

	if (!f)
		err(EX_SYSTEM, "open_memstream");
	fprintf(f, "%u:%u 0 ", major(data), minor(data));
	if (have_ref)
		fprintf(f, "%u:%u 0", major(ref), minor(ref));
	else
		fputs("- 0", f);
	if (o->policy)
		nwords += 2;
	if (o->have_seed)
		nwords += 2;
	if (o->have_write_cache)
		nwords += 2;
	if (o->sync)
		nwords++;
	nwords += digest_words(o);
	if (o->metadata)
		nwords += 2;
	if (nwords) {
		fprintf(f, " %u", nwords);
		if (o->policy)
			fprintf(f, " on_mismatch %s", o->policy);
		if (o->have_seed)
			fprintf(f, " seed %" PRIu64, o->seed);
		if (o->have_write_cache)
			fprintf(f, " write_cache %" PRIu64, o->write_cache);
		if (o->sync)
			fputs(" sync", f);
		if (o->metadata)
			fprintf(f, " metadata %u:%u", major(meta), minor(meta));
		if (o->features)
			fputs(o->features, f);
		digest_features(o, f);
	}
	if (fclose(f))
		err(EX_SYSTEM, "open_memstream");
	return params;
}

/*
 * create NAME DATA REF [--on-mismatch P] [--seed N] [--fault RULE]...
 * [--write-cache MIB] [--sync] [--metadata META]
 * [--digest META|- [--digest-block BYTES]]
 */
int cmd_create(struct dmv_opts *o, int argc, char **argv)
{
	const char *name = argv[0], *data = argv[1], *ref = argv[2];
	const char *prog = program_invocation_short_name;
	uint64_t dbytes, rbytes = 0, mbytes = 0;
	dev_t drdev, rrdev = 0, mrdev = 0;
	struct dm_task *dmt = NULL;
	struct dm_info info;
	char *params = NULL;
	int dfd = -1, rfd = -1, mfd = -1, kfd, r;

	(void)argc;
	if (!*name || strlen(name) >= DM_NAME_LEN || strchr(name, '/'))
		return usage_err(dmv_cmd, "invalid device name '%s'", name);
	if (o->metadata && !strcmp(ref, "-"))
		return usage_err(dmv_cmd, "--metadata needs a reference device (REF is '-')");

	r = dmv_require_target();
	if (r)
		return r;
	r = EX_SYSTEM;
	switch (dmv_device_exists(name)) {
	case 1:
		warnx("a device-mapper device named '%s' already exists", name);
		fallthrough;
	case -1:
		goto out;
	}
	dfd = open_blockdev(data, &dbytes, &drdev);
	if (dfd < 0)
		goto out;
	r = digest_prepare(o, ref, drdev);
	if (r)
		goto out;
	r = EX_SYSTEM;
	if (strcmp(ref, "-")) {
		rfd = open_blockdev(ref, &rbytes, &rrdev);
		if (rfd < 0)
			goto out;
		if (rrdev == drdev) {
			warnx("DATA and REF are the same device (%s); use '-' as REF to run without a reference",
			      data);
			goto out;
		}
	}
	if (o->metadata) {
		mfd = open_blockdev(o->metadata, &mbytes, &mrdev);
		if (mfd < 0)
			goto out;
		if (mrdev == drdev || mrdev == rrdev) {
			warnx("META (%s) must be neither DATA nor REF", o->metadata);
			goto out;
		}
	}
	if (dbytes < SECTOR_SIZE) {
		warnx("%s is empty", data);
		goto out;
	}
	if (dbytes % SECTOR_SIZE)
		warnx("warning: %s is not a multiple of 512 bytes; the last %" PRIu64 " bytes are not used",
		      data, dbytes % SECTOR_SIZE);
	if (rfd >= 0 && rbytes / SECTOR_SIZE < dbytes / SECTOR_SIZE) {
		warnx("reference device %s (%" PRIu64 " sectors, %" PRIu64 " bytes) is smaller than data device %s (%" PRIu64 " sectors, %" PRIu64 " bytes)",
		      ref, rbytes / SECTOR_SIZE, rbytes, data,
		      dbytes / SECTOR_SIZE, dbytes);
		fprintf(stderr,
			"Use a reference device of at least %" PRIu64 " sectors (a larger one is fine: only the first %" PRIu64 " sectors are used),\n"
			"or pass '-' as REF to run without a reference.\n",
			dbytes / SECTOR_SIZE, dbytes / SECTOR_SIZE);
		goto out;
	}

	params = table_params(o, drdev, rfd >= 0, rrdev, mrdev);
	if (verbose)
		fprintf(stderr, "%s: table: 0 %" PRIu64 " %s %s\n", prog,
			dbytes / SECTOR_SIZE, DMV_TARGET, params);

	dmt = dmv_task_new(DM_DEVICE_CREATE, name);
	if (!dmt)
		goto out;
	if (!dm_task_add_target(dmt, 0, dbytes / SECTOR_SIZE, DMV_TARGET, params)) {
		warnx("cannot add the table to the request");
		goto out;
	}
	close(dfd);
	dfd = -1;
	if (rfd >= 0)
		close(rfd);
	rfd = -1;
	digest_close(o);
	if (mfd >= 0)
		close(mfd);
	mfd = -1;
	kfd = klog_open();
	if (!dmv_run_with_nodes(dmt)) {
		dmv_report_failure(dmt, "create", name);
		/* libdevmapper removed the device again: its number is gone. */
		klog_report(kfd, DMV_KLOG_TABLE, 0, 0);
		klog_close(kfd);
		goto out;
	}
	klog_close(kfd);
	if (dm_task_get_info(dmt, &info) && info.exists)
		printf("created %s (%u:%u, %" PRIu64 " sectors)\n", name,
		       info.major, info.minor, dbytes / SECTOR_SIZE);
	r = EX_CLEAN;
out:
	if (dmt)
		dm_task_destroy(dmt);
	if (dfd >= 0)
		close(dfd);
	if (rfd >= 0)
		close(rfd);
	digest_close(o);
	if (mfd >= 0)
		close(mfd);
	free(params);
	return r;
}

int cmd_remove(struct dmv_opts *o, int argc, char **argv)
{
	struct dm_task *dmt;
	struct dmv_dev d;
	int r;

	(void)argc;
	r = dmv_load(argv[0], UINT64_MAX, &d, false);
	if (r)
		return r;
	dmt = dmv_task_new(DM_DEVICE_REMOVE, argv[0]);
	if (!dmt)
		return EX_SYSTEM;
	if (o->retry)
		dm_task_retry_remove(dmt);
	if (!dmv_run_with_nodes(dmt)) {
		dmv_report_failure(dmt, "remove", argv[0]);
		dm_task_destroy(dmt);
		return EX_SYSTEM;
	}
	dm_task_destroy(dmt);
	return EX_CLEAN;
}
