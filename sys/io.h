/* io.h — small I/O helpers over libc for code that runs inside a host
 * process it does not own: writes that never raise SIGPIPE, and a
 * readiness check that never blocks. Depends on libc only; no global
 * state (the signal mask touched is the calling thread's, and restored). */
#ifndef WIPPY_SYS_IO_H
#define WIPPY_SYS_IO_H

#include <sys/types.h>
#include <sys/uio.h>

/* writev(2), except that writing to a pipe or socket whose reader is gone
 * fails with EPIPE instead of raising SIGPIPE in the process: SIGPIPE is
 * blocked in the calling thread around the write, and one it caused is
 * taken off the pending set again. */
ssize_t sys_writev_nosigpipe(int fd, const struct iovec *iov, int iovcnt);

/* poll(2) of one descriptor with a zero timeout: the revents (0 when not
 * ready), or -1 with errno set. EINTR is retried. */
int sys_poll_now(int fd, short events);

#endif
