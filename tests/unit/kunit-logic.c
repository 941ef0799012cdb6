// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure parts of dm-verify, compiled into dm-verify-kunit.ko on their
 * own so the KUnit module needs nothing exported from dm-verify.ko.
 */
#include "dm-verify-extents.c"
#include "dm-verify-diff.c"
#include "dm-verify-fault.c"
