// SPDX-License-Identifier: GPL-2.0
/*
 * dmverify crash, power-on and data-crashed: the target's crash messages.
 */
#define _GNU_SOURCE
#include <err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dmverify.h"

/* The names of the crash message's reply, in its order. */
static const char *const crash_names[] = {
	"volatile_writes", "lost_writes", "torn_writes", "undone_sectors",
};

/* crash NAME [--lost all|prob:PPM|torn:PPM] [--json] */
int cmd_crash(struct dmv_opts *o, int argc, char **argv)
{
	unsigned long long v[ARRAY_SIZE(crash_names)];
	char *resp = NULL, msg[64];
	struct dmv_dev d;
	unsigned int i;
	int r;

	(void)argc;
	if (!o->lost_mode || !strcmp(o->lost_mode, "all"))
		snprintf(msg, sizeof(msg), "crash all");
	else
		snprintf(msg, sizeof(msg), "crash %s %u", o->lost_mode, o->lost_ppm);
	r = dmv_load(argv[0], UINT64_MAX, &d, false);
	if (!r)
		r = dmv_message(&d, msg, &resp);
	if (r)
		goto out;
	/* The power is off whatever we print; a bad reply is still an error. */
	if (sscanf(resp, "%llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3]) != 4) {
		warnx("%s: unexpected reply from the kernel to '%s': %s", d.name,
		      msg, resp);
		r = EX_SYSTEM;
		goto out;
	}
	if (o->json) {
		fputs("{\"crash\": {\"name\": ", stdout);
		json_string(stdout, d.name);
		for (i = 0; i < ARRAY_SIZE(crash_names); i++)
			printf(", \"%s\": %llu", crash_names[i], v[i]);
		fputs("}}\n", stdout);
	} else {
		for (i = 0; i < ARRAY_SIZE(crash_names); i++)
			printf("%s: %llu\n", crash_names[i], v[i]);
	}
out:
	free(resp);
	return r;
}

int cmd_power_on(struct dmv_opts *o, int argc, char **argv)
{
	(void)o;
	(void)argc;
	return dmv_plain_message(argv[0], "power_on");
}

int cmd_data_crashed(struct dmv_opts *o, int argc, char **argv)
{
	struct dmv_dev d;
	uint64_t lost;
	char *resp = NULL;
	int r;

	(void)o;
	(void)argc;
	r = dmv_load(argv[0], UINT64_MAX, &d, false);
	if (!r)
		r = dmv_message(&d, "data_crashed", &resp);
	if (r)
		goto out;
	resp[strcspn(resp, "\n")] = '\0';
	if (!parse_u64(resp, &lost)) {
		warnx("%s: unexpected reply from the kernel to 'data_crashed': %s",
		      d.name, resp);
		r = EX_SYSTEM;
		goto out;
	}
	printf("volatile_sectors_unverified: %" PRIu64 "\n", lost);
out:
	free(resp);
	return r;
}
