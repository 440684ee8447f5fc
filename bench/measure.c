/*
 * measure.c - runs a command and prints its wall time and peak memory:
 *
 *     measure [--stdout FILE] [--] CMD [ARG...]
 *     wall=0.532s maxrss=85432KiB user=0.480s sys=0.050s
 *
 * Wall time is CLOCK_MONOTONIC around fork..wait4; peak memory is the
 * child's ru_maxrss from wait4 (KiB on Linux).  CPU time (user, sys) is
 * there because the machine is shared: it stays put when wall time is
 * inflated by other load.  No dependency on GNU time.
 * The child's standard output goes to FILE when given (so the result line
 * on measure's own standard output stays separate).  Exits with the
 * child's status (128+N when killed by signal N).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void measure_usage(FILE *f)
{
    fprintf(f, "Usage: measure [--stdout FILE] [--] CMD [ARG...]\n"
               "Prints 'wall=Ss maxrss=KKiB user=Ss sys=Ss' for the command.\n");
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--stdout") == 0 && i + 1 < argc) {
            out = argv[i + 1];
            i += 2;
        } else if (strcmp(argv[i], "--help") == 0) {
            measure_usage(stdout);
            return 0;
        } else {
            measure_usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        measure_usage(stderr);
        return 2;
    }
    int outfd = -1;
    if (out) {
        outfd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (outfd < 0) {
            fprintf(stderr, "measure: %s: %s\n", out, strerror(errno));
            return 2;
        }
    }
    fflush(stdout);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "measure: fork: %s\n", strerror(errno));
        return 2;
    }
    if (pid == 0) {
        if (outfd >= 0 && dup2(outfd, STDOUT_FILENO) < 0)
            _exit(127);
        execvp(argv[i], argv + i);
        fprintf(stderr, "measure: %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    pid_t w;
    while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (w < 0) {
        fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
        return 2;
    }
    if (outfd >= 0)
        close(outfd);
    double wall = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("wall=%.3fs maxrss=%ldKiB user=%.3fs sys=%.3fs\n", wall,
           ru.ru_maxrss,
           (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "measure: %s killed by signal %d\n", argv[i],
                WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    return 2;
}
