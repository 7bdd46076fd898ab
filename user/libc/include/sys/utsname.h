// uname(): POSIX's <sys/utsname.h>, which newlib lacks for a bare target.
// Found through -isystem user/libc/include (after newlib's headers), so
// apps include it as on Linux. Field sizes are Linux's.
#ifndef _SYS_UTSNAME_H
#define _SYS_UTSNAME_H

#define _UTSNAME_LENGTH 65

struct utsname {
	char sysname[_UTSNAME_LENGTH];
	char nodename[_UTSNAME_LENGTH];
	char release[_UTSNAME_LENGTH];
	char version[_UTSNAME_LENGTH];
	char machine[_UTSNAME_LENGTH];
};

int uname(struct utsname *u);

#endif
