// Error texts in glibc's wording (newlib side of user/libc).
//
// DESIGN.md §7: errors print as Linux prints them ("Resource temporarily
// unavailable", "Numerical result out of range"), where newlib has older
// texts ("No more processes", "Result too large"). This file replaces
// newlib's strerror.o (strerror, strerror_l, _strerror_r, used by perror
// and printf's %m) and both strerror_r flavours. The table is indexed by
// newlib's errno values, which is what apps see in errno.
#define _GNU_SOURCE                 // the GNU strerror_r (char *)
#define __LINUX_ERRNO_EXTENSIONS__  // every errno name newlib has
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "user/libc/libc.h"

static const char *const messages[] = {
	[EPERM] = "Operation not permitted",
	[ENOENT] = "No such file or directory",
	[ESRCH] = "No such process",
	[EINTR] = "Interrupted system call",
	[EIO] = "Input/output error",
	[ENXIO] = "No such device or address",
	[E2BIG] = "Argument list too long",
	[ENOEXEC] = "Exec format error",
	[EBADF] = "Bad file descriptor",
	[ECHILD] = "No child processes",
	[EAGAIN] = "Resource temporarily unavailable",
	[ENOMEM] = "Cannot allocate memory",
	[EACCES] = "Permission denied",
	[EFAULT] = "Bad address",
	[ENOTBLK] = "Block device required",
	[EBUSY] = "Device or resource busy",
	[EEXIST] = "File exists",
	[EXDEV] = "Invalid cross-device link",
	[ENODEV] = "No such device",
	[ENOTDIR] = "Not a directory",
	[EISDIR] = "Is a directory",
	[EINVAL] = "Invalid argument",
	[ENFILE] = "Too many open files in system",
	[EMFILE] = "Too many open files",
	[ENOTTY] = "Inappropriate ioctl for device",
	[ETXTBSY] = "Text file busy",
	[EFBIG] = "File too large",
	[ENOSPC] = "No space left on device",
	[ESPIPE] = "Illegal seek",
	[EROFS] = "Read-only file system",
	[EMLINK] = "Too many links",
	[EPIPE] = "Broken pipe",
	[EDOM] = "Numerical argument out of domain",
	[ERANGE] = "Numerical result out of range",
	[ENOMSG] = "No message of desired type",
	[EIDRM] = "Identifier removed",
	[ECHRNG] = "Channel number out of range",
	[EL2NSYNC] = "Level 2 not synchronized",
	[EL3HLT] = "Level 3 halted",
	[EL3RST] = "Level 3 reset",
	[ELNRNG] = "Link number out of range",
	[EUNATCH] = "Protocol driver not attached",
	[ENOCSI] = "No CSI structure available",
	[EL2HLT] = "Level 2 halted",
	[EDEADLK] = "Resource deadlock avoided",
	[ENOLCK] = "No locks available",
	[EBADE] = "Invalid exchange",
	[EBADR] = "Invalid request descriptor",
	[EXFULL] = "Exchange full",
	[ENOANO] = "No anode",
	[EBADRQC] = "Invalid request code",
	[EBADSLT] = "Invalid slot",
	[EDEADLOCK] = "Resource deadlock avoided",
	[EBFONT] = "Bad font file format",
	[ENOSTR] = "Device not a stream",
	[ENODATA] = "No data available",
	[ETIME] = "Timer expired",
	[ENOSR] = "Out of streams resources",
	[ENONET] = "Machine is not on the network",
	[ENOPKG] = "Package not installed",
	[EREMOTE] = "Object is remote",
	[ENOLINK] = "Link has been severed",
	[EADV] = "Advertise error",
	[ESRMNT] = "Srmount error",
	[ECOMM] = "Communication error on send",
	[EPROTO] = "Protocol error",
	[EMULTIHOP] = "Multihop attempted",
	[EDOTDOT] = "RFS specific error",
	[EBADMSG] = "Bad message",
	[EFTYPE] = "Inappropriate file type or format",
	[ENOTUNIQ] = "Name not unique on network",
	[EBADFD] = "File descriptor in bad state",
	[EREMCHG] = "Remote address changed",
	[ELIBACC] = "Can not access a needed shared library",
	[ELIBBAD] = "Accessing a corrupted shared library",
	[ELIBSCN] = ".lib section in a.out corrupted",
	[ELIBMAX] = "Attempting to link in too many shared libraries",
	[ELIBEXEC] = "Cannot exec a shared library directly",
	[ENOSYS] = "Function not implemented",
	[ENOTEMPTY] = "Directory not empty",
	[ENAMETOOLONG] = "File name too long",
	[ELOOP] = "Too many levels of symbolic links",
	[EOPNOTSUPP] = "Operation not supported",
	[EPFNOSUPPORT] = "Protocol family not supported",
	[ECONNRESET] = "Connection reset by peer",
	[ENOBUFS] = "No buffer space available",
	[EAFNOSUPPORT] = "Address family not supported by protocol",
	[EPROTOTYPE] = "Protocol wrong type for socket",
	[ENOTSOCK] = "Socket operation on non-socket",
	[ENOPROTOOPT] = "Protocol not available",
	[ESHUTDOWN] = "Cannot send after transport endpoint shutdown",
	[ECONNREFUSED] = "Connection refused",
	[EADDRINUSE] = "Address already in use",
	[ECONNABORTED] = "Software caused connection abort",
	[ENETUNREACH] = "Network is unreachable",
	[ENETDOWN] = "Network is down",
	[ETIMEDOUT] = "Connection timed out",
	[EHOSTDOWN] = "Host is down",
	[EHOSTUNREACH] = "No route to host",
	[EINPROGRESS] = "Operation now in progress",
	[EALREADY] = "Operation already in progress",
	[EDESTADDRREQ] = "Destination address required",
	[EMSGSIZE] = "Message too long",
	[EPROTONOSUPPORT] = "Protocol not supported",
	[ESOCKTNOSUPPORT] = "Socket type not supported",
	[EADDRNOTAVAIL] = "Cannot assign requested address",
	[ENETRESET] = "Network dropped connection on reset",
	[EISCONN] = "Transport endpoint is already connected",
	[ENOTCONN] = "Transport endpoint is not connected",
	[ETOOMANYREFS] = "Too many references: cannot splice",
	[EPROCLIM] = "Too many processes",
	[EUSERS] = "Too many users",
	[EDQUOT] = "Disk quota exceeded",
	[ESTALE] = "Stale file handle",
	[ENOTSUP] = "Operation not supported",
	[ENOMEDIUM] = "No medium found",
	[EILSEQ] = "Invalid or incomplete multibyte or wide character",
	[EOVERFLOW] = "Value too large for defined data type",
	[ECANCELED] = "Operation canceled",
	[ENOTRECOVERABLE] = "State not recoverable",
	[EOWNERDEAD] = "Owner died",
	[ESTRPIPE] = "Streams pipe error",
};

// The text for errnum, or NULL if it has none.
static const char *known_message(int errnum)
{
	if (errnum == 0)
		return "Success";
	if (errnum < 0 || errnum >= (int)(sizeof(messages) / sizeof(messages[0])))
		return NULL;
	return messages[errnum];
}

// "Unknown error N" in the calling task's buffer.
static char *unknown_message(int errnum)
{
	static char not_a_task[32]; // only if no app task calls (it should not)
	struct libc_task *lt = libc_task();
	char *buf = lt ? lt->strerror_buf : not_a_task;
	snprintf(buf, sizeof(not_a_task), "Unknown error %d", errnum);
	return buf;
}

char *strerror(int errnum)
{
	const char *m = known_message(errnum);
	return m ? (char *)m : unknown_message(errnum);
}

char *strerror_l(int errnum, locale_t locale)
{
	(void)locale;
	return strerror(errnum);
}

// newlib's internal form (perror, %m): errptr gets EINVAL for an unknown
// number.
char *_strerror_r(struct _reent *r, int errnum, int internal, int *errptr)
{
	(void)r;
	(void)internal;
	const char *m = known_message(errnum);
	if (m)
		return (char *)m;
	if (errptr)
		*errptr = EINVAL;
	return unknown_message(errnum);
}

// XSI strerror_r (what apps get by default): 0, EINVAL (unknown number,
// buf still gets "Unknown error N") or ERANGE (buf too small, truncated).
int __xpg_strerror_r(int errnum, char *buf, size_t n)
{
	const char *m = known_message(errnum);
	char unknown[32];
	if (!m) {
		snprintf(unknown, sizeof(unknown), "Unknown error %d", errnum);
		m = unknown;
	}
	if (n == 0)
		return ERANGE;
	size_t len = strlen(m);
	memcpy(buf, m, len < n ? len + 1 : n - 1);
	buf[n - 1] = '\0';
	if (m == unknown)
		return EINVAL;
	return len < n ? 0 : ERANGE;
}

// GNU strerror_r (with _GNU_SOURCE): the text, in buf only if unknown.
char *strerror_r(int errnum, char *buf, size_t n)
{
	const char *m = known_message(errnum);
	if (m)
		return (char *)m;
	if (n > 0)
		snprintf(buf, n, "Unknown error %d", errnum);
	return buf;
}
