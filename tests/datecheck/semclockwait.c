/* Lets Python's timed lock waits work under Debian's libfaketime.
 *
 * Python (3.11+, glibc 2.30+) waits on a lock with sem_clockwait(CLOCK_MONOTONIC, deadline).
 * libfaketime shifts CLOCK_MONOTONIC but does not wrap sem_clockwait, so the kernel gets a
 * deadline a year away and every timed wait (threading.Event.wait, queue.get(timeout=...),
 * APScheduler's ticks) hangs. This turns the wait into sem_timedwait on CLOCK_REALTIME, which
 * libfaketime does wrap. Loaded before libfaketime by tests/datecheck/run only. */
#define _GNU_SOURCE
#include <errno.h>
#include <semaphore.h>
#include <time.h>

int sem_clockwait(sem_t *sem, clockid_t clockid, const struct timespec *abstime) {
    struct timespec now_clock, now_real, deadline;
    if (clock_gettime(clockid, &now_clock) != 0 || clock_gettime(CLOCK_REALTIME, &now_real) != 0) {
        return -1;
    }
    long long left_ns = (long long)(abstime->tv_sec - now_clock.tv_sec) * 1000000000LL
                        + (abstime->tv_nsec - now_clock.tv_nsec);
    if (left_ns < 0) {
        left_ns = 0;
    }
    long long total = (long long)now_real.tv_nsec + left_ns % 1000000000LL;
    deadline.tv_sec = now_real.tv_sec + (time_t)(left_ns / 1000000000LL) + (time_t)(total / 1000000000LL);
    deadline.tv_nsec = (long)(total % 1000000000LL);
    return sem_timedwait(sem, &deadline);
}
