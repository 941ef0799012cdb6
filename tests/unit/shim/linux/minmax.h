/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for the kernel header. */
#ifndef SHIM_LINUX_MINMAX_H
#define SHIM_LINUX_MINMAX_H
#define swap(a, b) \
	do { __typeof__(a) _t = (a); (a) = (b); (b) = _t; } while (0)
#endif
