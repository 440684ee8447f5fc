/*
 * entry_rate.c - single-entry updates per second through the store API
 * (kh_store_entry_set: one transaction, the version check, the builder's
 * checks and an audit record each), on a store in WAL mode.
 *
 * Usage: entry_rate DB YEAR UNIT ITEM INPUT COUNT
 * Each update sets INPUT to a value different from the previous one, so
 * every call writes a new version.  Prints one line:
 *   updates=N wall=S.SSSs rate=R/s
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kaohe/store.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: entry_rate DB YEAR UNIT ITEM INPUT COUNT\n");
        return 2;
    }
    int year = atoi(argv[2]);
    long count = atol(argv[6]);
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    if (!e || kh_store_open(argv[1], 0, e, &s) != KH_OK) {
        fprintf(stderr, "entry_rate: cannot open %s\n", argv[1]);
        return 1;
    }
    double t0 = now();
    for (long i = 0; i < count; i++) {
        char v[16];
        snprintf(v, sizeof v, "%ld", 1 + i % 4);
        kh_input_kv kv = {argv[5], v};
        kh_entry_write w = {"bench", year, argv[3], argv[4],
                            KH_PHASE_INSPECTION, 1, &kv, NULL,
                            KH_VERSION_ANY};
        int64_t ver;
        if (kh_store_entry_set(s, &w, &ver, e) != KH_OK) {
            char *m = kh_err_count(e) ? kh_err_format(e, 0) : NULL;
            fprintf(stderr, "entry_rate: update %ld failed: %s\n", i,
                    m ? m : "?");
            free(m);
            return 1;
        }
    }
    double wall = now() - t0;
    printf("updates=%ld wall=%.3fs rate=%.0f/s\n", count, wall,
           wall > 0 ? (double)count / wall : 0.0);
    kh_store_close(s);
    kh_err_free(e);
    return 0;
}
