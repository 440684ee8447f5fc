/*
 * wal_storm.c - the WAL's size under a storm of single-entry writes
 * beside readers that always overlap (what `kaohe serve` does at a
 * deadline: every write followed by requests rebuilding the year).
 *
 * Usage: wal_storm DB YEAR ITEM WRITES READERS LIMIT
 * READERS threads each read the whole year's results in a loop on their
 * own connection (kh_store_compute via kh_store_results); the main thread
 * sets ITEM/inspection of the year's units in turn, WRITES times, with a
 * WAL limit of LIMIT bytes (0: SQLite's own passive checkpoints only).
 * The -wal file's size is sampled after every write.  Prints one line:
 *   limit=L writes=N wall=S.SSSs rate=R/s wal_max=B wal_end=B reads=N
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kaohe/store.h"

static atomic_int stop;
static atomic_long reads;

typedef struct reader {
    const char *db;
    int year;
} reader;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *read_loop(void *arg)
{
    reader *r = arg;
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    if (!e || kh_store_open(r->db, 0, e, &s) != KH_OK) {
        fprintf(stderr, "wal_storm: reader cannot open %s\n", r->db);
        exit(1);
    }
    while (!atomic_load(&stop)) {
        kh_buf b;
        kh_buf_init(&b, 0);
        kh_err_clear(e);
        if (kh_store_results(s, r->year, KH_RESULT_JSON,
                             KH_SCORE_ALLOW_MISSING, &b, e) == KH_OK)
            atomic_fetch_add(&reads, 1);
        kh_buf_free(&b);
    }
    kh_store_close(s);
    kh_err_free(e);
    return NULL;
}

static int64_t wal_size(const char *db)
{
    char p[4096];
    struct stat sb;
    snprintf(p, sizeof p, "%s-wal", db);
    return stat(p, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

typedef struct units {
    char **id;
    size_t n;
} units;

static kh_status add_unit(void *ctx, const kh_unit_row *u)
{
    units *l = ctx;
    char **nv = realloc(l->id, (l->n + 1) * sizeof *nv);
    if (!nv || !(nv[l->n] = strdup(u->id)))
        return KH_ENOMEM;
    l->id = nv;
    l->n++;
    return KH_OK;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: wal_storm DB YEAR ITEM WRITES READERS "
                        "LIMIT\n");
        return 2;
    }
    const char *db = argv[1], *item = argv[3];
    int year = atoi(argv[2]), nreaders = atoi(argv[5]);
    long writes = atol(argv[4]);
    int64_t limit = atoll(argv[6]);
    kh_err *e = kh_err_new();
    kh_store *s = NULL;
    units l = {NULL, 0};
    if (!e || kh_store_open(db, 0, e, &s) != KH_OK ||
        kh_store_set_wal_limit(s, limit, e) != KH_OK ||
        kh_store_unit_each(s, year, add_unit, &l, e) != KH_OK || !l.n) {
        fprintf(stderr, "wal_storm: cannot open %s or list its units\n", db);
        return 1;
    }
    pthread_t *t = calloc((size_t)nreaders + 1, sizeof *t);
    reader r = {db, year};
    for (int i = 0; i < nreaders; i++)
        pthread_create(&t[i], NULL, read_loop, &r);
    int64_t wal_max = 0;
    double t0 = now();
    for (long i = 0; i < writes; i++) {
        char v[16];
        snprintf(v, sizeof v, "%ld", 1 + (i / (long)l.n) % 4);
        kh_input_kv kv = {"meetings", v};
        kh_entry_write ew = {"bench", year, l.id[i % (long)l.n], item,
                             KH_PHASE_INSPECTION, 1, &kv, NULL,
                             KH_VERSION_ANY};
        kh_err_clear(e);
        if (kh_store_entry_set(s, &ew, NULL, e) != KH_OK) {
            char *m = kh_err_count(e) ? kh_err_format(e, 0) : NULL;
            fprintf(stderr, "wal_storm: write %ld failed: %s\n", i,
                    m ? m : "?");
            return 1;
        }
        int64_t w = wal_size(db);
        if (w > wal_max)
            wal_max = w;
    }
    double wall = now() - t0;
    atomic_store(&stop, 1);
    for (int i = 0; i < nreaders; i++)
        pthread_join(t[i], NULL);
    printf("limit=%" PRId64 " writes=%ld wall=%.3fs rate=%.0f/s "
           "wal_max=%" PRId64 " wal_end=%" PRId64 " reads=%ld\n",
           limit, writes, wall, wall > 0 ? (double)writes / wall : 0.0,
           wal_max, wal_size(db), atomic_load(&reads));
    for (size_t i = 0; i < l.n; i++)
        free(l.id[i]);
    free(l.id);
    free(t);
    kh_store_close(s);
    kh_err_free(e);
    return 0;
}
