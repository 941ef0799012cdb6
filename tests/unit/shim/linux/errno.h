/* SPDX-License-Identifier: GPL-2.0-only */
/* The system errno.h includes linux/errno.h, so this must not include it back. */
#include <asm/errno.h>
