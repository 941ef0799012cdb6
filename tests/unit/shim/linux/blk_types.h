/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for the kernel header. */
#ifndef SHIM_LINUX_BLK_TYPES_H
#define SHIM_LINUX_BLK_TYPES_H
#define SECTOR_SHIFT 9
#endif
