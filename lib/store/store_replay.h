/*
 * store_replay.h - private to the audit replay (store_replay*.c): the
 * replayed objects by key, and what each table's part of the replay
 * shares (lib/store/store_replay.c owns entries, units, years and the
 * record lists; store_replay_tables.c the other audited tables).
 */
#ifndef KH_STORE_REPLAY_H
#define KH_STORE_REPLAY_H

#include "store_impl.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>

/* Digest text "entries N SHA256" of the lines fed, in the order fed. */
typedef struct rp_digest {
    crypto_hash_sha256_state h;
    int64_t n;
} rp_digest;

enum {
    RP_FIRST = 1,     /* an entry.set was seen since the last import */
    RP_SEEN = 2,      /* matched by a live row */
    RP_BAD = 4        /* a unit with an entry named already */
};

/* One object the log describes: key "KIND\tYEAR\tNAME". */
typedef struct rp_obj {
    char *key;        /* owned; NULL = empty slot */
    char *val;        /* owned; the state by the log, NULL = absent */
    char *first;      /* owned; entries: the state at the last import */
    int64_t seq;      /* the record that wrote val */
    int flags;
} rp_obj;

typedef struct rp_map {
    rp_obj *v;
    size_t cap, n;
} rp_map;

typedef struct rp {
    kh_store *s;
    rp_map m;
    kh_err *e;
    bool nomem;
} rp;

/* How entries of a year without their own records are proved. */
typedef enum { BY_NONE, BY_FILE, BY_UNITS } rp_proof;

typedef struct rp_live {
    int year;
    char unit[200];
    rp_digest d;
    bool open;
} rp_live;

typedef struct rp_count {
    int bad;
    int64_t unproved, rows;
    rp_live g;
} rp_count;

/* The object kind/year/name, created (absent) when new; NULL (and
 * r->nomem set) when out of memory.  Owned by r. */
rp_obj *kh_replay_obj(rp *r, char kind, int year, const char *name);
/* The object of key "KIND\tYEAR\tNAME", or NULL; create as above. */
rp_obj *kh_replay_map_get(rp_map *m, const char *key, bool create);
/* Sets the object's state (copied; NULL = absent) and its record. */
void kh_replay_put(rp *r, char kind, int year, const char *name,
                   const char *v, int64_t seq);
/* *dst = copy of s (NULL allowed); false when out of memory. */
bool kh_replay_set(char **dst, const char *s);
/* A free-text field of a state whose fields are joined by tabs (a
 * claim's description, a rectification item's text, a report's reason,
 * a self-check's report): tabs and backslashes escaped, so that the
 * state splits back into its fields; appended to b. */
void kh_replay_tab_escape(kh_buf *b, const char *s);
/* *dst = s escaped as kh_replay_tab_escape does (NULL allowed); false
 * when out of memory. */
bool kh_replay_set_escaped(char **dst, const char *s);
/* How the year's entries and lists without records of their own are
 * proved by its last draft import. */
rp_proof kh_replay_year_proof(rp *r, int year);
/* Runs fn over the rows of sql (no parameters). */
kh_status kh_replay_each_row(rp *r, const char *sql, const char *what,
                             kh_status (*fn)(rp *, kh_db_stmt *, void *),
                             void *ctx);

/* The unit's name in the year, for messages (its id when it has none). */
void kh_replay_unit_name(rp *r, int year, const char *id, char *out,
                         size_t sz);

/* store_replay_rows.c (the table-driven comparer): true when the record
 * is one of its tables'. */
bool kh_replay_rows_record(rp *r, const kh_audit_row *w);
/* Compares its tables' live rows with the replayed objects. */
kh_status kh_replay_rows_check(rp *r, rp_count *c);
/* Reports object o of its tables, which no live row matched; false when
 * o is not one of its tables'. */
bool kh_replay_rows_gone(rp *r, rp_count *c, const rp_obj *o);

/* store_replay_tables.c: true when the record is one of its tables'. */
bool kh_replay_tables_record(rp *r, const kh_audit_row *w);
/* Compares its tables' live rows with the replayed objects. */
kh_status kh_replay_tables_check(rp *r, rp_count *c);
/* The lines a unit's import.unit record carries for its rosters and its
 * branch's name, appended to out: "\nrosters N", then N lines
 * "\nroster\tNAME\tTAG", then "\nbranch\tID\tNAME" when its branch
 * has a stored name. */
kh_status kh_replay_unit_lines(kh_store *s, int year, const char *unit,
                               kh_buf *out, kh_err *e);
/* Replays one of those lines of record w; false when l is not one. */
bool kh_replay_unit_line(rp *r, const kh_audit_row *w, char *l);

#endif
