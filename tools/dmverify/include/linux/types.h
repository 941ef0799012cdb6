/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel types dm-verify-fault.h uses, on top of the UAPI header of the
 * same name (which <linux/dm-ioctl.h> and <linux/fs.h> need unchanged).
 */
#ifndef DMV_LINUX_TYPES_H
#define DMV_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint64_t sector_t;

#endif
