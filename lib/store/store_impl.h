/*
 * store_impl.h - private declarations shared by lib/store/store*.c: the store
 * struct, the prepared-statement cache, error helpers.  Not installed.
 */
#ifndef KAOHE_STORE_IMPL_H
#define KAOHE_STORE_IMPL_H

#include "db.h"
#include "kaohe/store.h"

/* The largest evidence file kh_store_copy carries over: each was stored
 * under its own limit (--max-mib); this only bounds a damaged source. */
#define KH_STORE_COPY_FILE_MAX ((size_t)1 << 30)

/* kh_store_copy without the evidence files (store_copy.c): for the
 * backup of a PostgreSQL store into a SQLite file, whose files
 * store_backup.c copies itself.  The source is read in one snapshot. */
kh_status kh_store_copy_rows(kh_store *from, kh_store *to,
                             kh_store_copy_counts *counts, kh_err *e);

/* On PostgreSQL, every table and column the migrations make is in the
 * database with its type (store_pgschema.c); KH_EDB with cause damaged
 * naming each missing or altered one. */
kh_status kh_store_pg_schema_check(kh_store *s, kh_err *e);

/* hex SHA-256: 64 digits + NUL */
#define KH_STORE_HEX_SZ 65

/* Checks a late-locked transaction (kh_store_begin_late) re-runs under
 * the writers' lock; one more takes the lock at once instead. */
#define KH_STORE_RECHECK_MAX 8
/* Runs of a transaction that failed on a deadlock or serialization
 * failure (kh_store_retry), the first included. */
#define KH_STORE_TX_TRIES 5

/* What a late-locked transaction saw before the writers' lock and must
 * still hold under it (the year's state, a self-check's submission). */
typedef struct kh_store_recheck {
    enum { KH_RECHECK_YEAR, KH_RECHECK_SELFCHECK } kind;
    int year;
    unsigned allowed;              /* YEAR: states allowed (bit mask) */
    char doing[64];                /* YEAR: what needs them */
    char unit[KH_UNIT_ID_MAX + 1]; /* SELFCHECK: whose, and */
    bool locked;                   /* whether it was submitted */
} kh_store_recheck;

typedef struct kh_store_cached {
    const char *sql;       /* key: the literal's address */
    kh_db_stmt *st;
} kh_store_cached;

struct kh_store {
    kh_db *db;
    char *path;            /* owned */
    char *data_dir;        /* owned; NULL for :memory: */
    int depth;             /* transaction nesting: 0 = none */
    int64_t fixed_time;    /* 0 = use the clock */
    kh_store_cached *cache;/* owned; statements finalized on close */
    size_t ncache, acache;
    kh_progress_fn progress;
    void *progress_ctx;
    /* Loaded rubrics by row of table rubric (versions never change). */
    struct kh_store_rcache {
        int64_t row;
        kh_rubric *r;      /* owned */
    } *rcache;
    size_t nrcache;
    /* Loaded questionnaires by row of table questionnaire (versions
     * never change either): the answer form parsed its YAML on every
     * submission, a third of the server's time (bench/survey). */
    struct kh_store_qcache {
        int64_t row;
        struct kh_questionnaire *q;   /* owned */
    } *qcache;
    size_t nqcache;
    /* Audit seqs written by the open outermost transaction and by the
     * last one committed (0, 0: none) - kh_store_last_commit_seqs. */
    int64_t tx_first, tx_last, done_first, done_last;
    /* The open transaction began late (kh_store_begin_late): no writers'
     * lock until late_locked; the checks to run again when it is taken. */
    bool late, late_locked;
    kh_store_recheck recheck[KH_STORE_RECHECK_MAX];
    size_t nrecheck;
    bool retry;            /* the last failure was KH_DB_RETRY */
};

/* The migrations, oldest first: migration i+1 is kh_store_migrations[i]
 * (lib/store/store_schema.c). */
extern const char *const kh_store_migrations[];
extern const size_t kh_store_migration_count;
/* Run after migration i+1's text when not NULL (what one SQL text cannot
 * say for both engines); returns a KH_DB_ code. */
extern int (*const kh_store_migration_hooks[])(kh_db *db);

/* Returns in *out the prepared statement for sql, reset with its bindings
 * cleared.  sql must be a string literal: its address is the cache key.
 * The statement stays owned by the store; a statement must not be used by
 * two loops at once (nested use resets the outer one). */
kh_status kh_store_stmt(kh_store *s, const char *sql, kh_db_stmt **out,
                        kh_err *e);
/* Adds "database error while WHAT: the driver's message" to e and returns
 * KH_EDB (KH_ENOMEM for KH_DB_NOMEM). */
kh_status kh_store_db_fail(kh_store *s, kh_err *e, const char *what);
/* KH_ESTATE with a message unless inside a transaction. */
kh_status kh_store_need_tx(kh_store *s, kh_err *e);
/* Binds s (NULL binds SQL NULL) as text; returns a KH_DB_ code. */
int kh_store_bind_str(kh_db_stmt *st, int col, const char *s);
/* Column text as a C string (NULL for SQL NULL); borrowed until the next
 * step/reset. */
const char *kh_store_col_str(kh_db_stmt *st, int col);
/* Runs a statement that returns no rows (after binding); resets it. */
kh_status kh_store_exec(kh_store *s, kh_db_stmt *st, kh_err *e,
                        const char *what);
/* Runs a statement (after binding) that returns one row and puts its
 * first column in *n (0 when it returns none); resets it.  KH_OK for a
 * row, else the store's failure "while WHAT". */
kh_status kh_store_int64(kh_store *s, kh_db_stmt *st, int64_t *n,
                         kh_err *e, const char *what);
/* Called by kh_store_each for each row of st (its columns borrowed until
 * the next row); ctx is kh_store_each's. */
typedef kh_status (*kh_store_row_fn)(kh_db_stmt *st, void *ctx);
/* Steps st (after binding) to its end, calling fn for each row until one
 * fails (its status is returned); resets st.  A failed step is the
 * store's failure "while WHAT". */
kh_status kh_store_each(kh_store *s, kh_db_stmt *st, kh_store_row_fn fn,
                        void *ctx, kh_err *e, const char *what);


/* One value a statement binds (kh_store_write): an int or int64_t (each
 * its own type on PostgreSQL), a text (borrowed; NULL binds SQL NULL) or
 * the time stamp of kh_store_now. */
typedef struct kh_store_val {
    enum {
        KH_STORE_VAL_INT,
        KH_STORE_VAL_INT64,
        KH_STORE_VAL_TEXT,
        KH_STORE_VAL_NOW
    } kind;
    int64_t i;
    const char *s;
} kh_store_val;
#define KH_SV_INT(v) ((kh_store_val){.kind = KH_STORE_VAL_INT, .i = (v)})
#define KH_SV_INT64(v) ((kh_store_val){.kind = KH_STORE_VAL_INT64, .i = (v)})
#define KH_SV_TEXT(v) ((kh_store_val){.kind = KH_STORE_VAL_TEXT, .s = (v)})
#define KH_SV_NOW ((kh_store_val){.kind = KH_STORE_VAL_NOW})
#define KH_SV_COUNT(vals) (sizeof(vals) / sizeof((vals)[0]))

/* ---- transactions whose writers' lock comes late ---- */

/* Begins a transaction like kh_store_begin, but on PostgreSQL without
 * the writers' lock: the write's checks and its own row changes (each
 * guarded by the row, e.g. UPDATE ... WHERE version = ?) run beside
 * other writers', and the lock is taken by the audit append (or the
 * commit), which first re-runs the checks recorded with
 * kh_store_recheck_add.  Nested inside an open transaction it is a
 * savepoint of that one (whose lock mode applies).  docs/STORE.md. */
kh_status kh_store_begin_late(kh_store *s, kh_err *e);
/* Takes the writers' lock now if the open transaction began late and
 * does not hold it, then re-runs its recorded checks. */
kh_status kh_store_lock_writers(kh_store *s, kh_err *e);
/* Records r (copied) for re-checking under the lock when the open
 * transaction began late and does not hold it yet; otherwise nothing.
 * The lock is taken at once when the list is full. */
kh_status kh_store_recheck_add(kh_store *s, const kh_store_recheck *r,
                               kh_err *e);
/* A transaction run by kh_store_retry: it begins and ends its own. */
typedef kh_status (*kh_store_tx_fn)(kh_store *s, void *ctx, kh_err *e);
/* Runs fn(s, ctx, e); when it fails on a deadlock or serialization
 * failure (KH_DB_RETRY), runs it again, up to KH_STORE_TX_TRIES times,
 * and e receives only the messages of the last run.  Inside an open
 * transaction fn runs once (the outer one would have to be redone). */
kh_status kh_store_retry(kh_store *s, kh_store_tx_fn fn, void *ctx,
                         kh_err *e);

/* Runs sql, an INSERT, UPDATE or DELETE (a string literal, as for
 * kh_store_stmt), with vals[0..n) bound in order; *id (may be NULL)
 * receives an INSERT's new row id.  what names the step in a database
 * error ("recording a talk"). */
kh_status kh_store_write(kh_store *s, const char *sql,
                          const kh_store_val *vals, size_t n,
                          const char *what, int64_t *id, kh_err *e);
/* kh_store_write of an INSERT, then the audit record rec of the new
 * row: its object is prefix and the row's id ("talk 7"); rec's other
 * fields are the caller's (rec->object is overwritten).  Inside a
 * transaction. */
kh_status kh_store_insert_audited(kh_store *s, const char *sql,
                                  const kh_store_val *vals, size_t n,
                                  const char *what, const char *prefix,
                                  kh_audit_rec *rec, int64_t *id,
                                  kh_err *e);

/* A judgement_source row as source.keep/override records it (JSON), from
 * columns c.. of st: decision, round, responses, figure, suggested,
 * value, reason (lib/store/store_source.c; the audit replay compares
 * it). */
void kh_store_source_row_json(kh_db_stmt *st, int c, kh_buf *b);
/* An on-site record (kind 's' symposium, 'i' interview, 'f' finding) as
 * its correction (symposium.set, ...) records it: JSON of its text
 * fields, appended to b; KH_ENOTFOUND when there is no such row
 * (lib/store/store_onsite.c; the audit replay compares it). */
kh_status kh_store_onsite_row_json(kh_store *s, char kind, int64_t id,
                                   kh_buf *b, kh_err *e);
/* Hex digits of the " state=" digest an on-site record's .add record
 * carries (SHA-256 of the record's fields as its corrections' JSON). */
#define KH_ONSITE_STATE_HEX 16
/* " state=HEX" of visit id into out: the first KH_ONSITE_STATE_HEX hex
 * digits of SHA-256 of "AT\tPLACE\tLEAD\tPLANNED\tUSED[\tMEMBER]..."
 * (members in order), which visit.add and visit.set carry so that the
 * audit replay proves the team and methods too (store_onsite.c). */
kh_status kh_store_visit_state(kh_store *s, int64_t id, char *out,
                               size_t sz, kh_err *e);
/* Length of the password digest user.add and user.passwd record
 * ("pwdigest=HEX"): the first hex digits of SHA-256 of the stored hash
 * (never the hash itself), for the audit replay. */
#define KH_PW_DIGEST_HEX 16

/* SHA-256 of data as 64 lower-case hex digits into hex. */
void kh_store_sha256_hex(const void *data, size_t len,
                         char hex[KH_STORE_HEX_SZ]);
/* Checks the year exists and is in one of the allowed states (a bit mask
 * of 1u << kh_year_state); otherwise a message saying what `doing` needs.
 * *state (may be NULL) receives the state. */
kh_status kh_store_year_require(kh_store *s, int year, unsigned allowed,
                                const char *doing, kh_year_state *state,
                                kh_err *e);
#define KH_YEAR_BIT(st) (1u << (st))

/* Resolves "ID" / "ID@HASHPREFIX" to its row of table rubric, its full
 * hash and optionally its text (malloc'd, NUL added; may be NULL). */
kh_status kh_store_rubric_resolve(kh_store *s, const char *ref,
                                  int64_t *row_id, char hash[KH_STORE_HEX_SZ],
                                  char **text, size_t *len, kh_err *e);
/* Loads the rubric stored in row `row` of table rubric; caller owns *out
 * and *version ("ID@HASH", may be NULL). */
kh_status kh_store_rubric_by_row(kh_store *s, int64_t row, kh_err *e,
                                 kh_rubric **out, char **version);
/* The rubric the year is bound to, loaded once per store handle and
 * owned by it (valid until kh_store_close): for hot paths such as a
 * single entry's update. */
kh_status kh_store_year_rubric_shared(kh_store *s, int year, kh_err *e,
                                      const kh_rubric **out);
/* Loads the rubric the year is bound to (KH_ENOTFOUND for no year). */
kh_status kh_store_year_rubric(kh_store *s, int year, kh_err *e,
                               kh_rubric **out, char **version);
/* Computes the results of a year from the stored data (not the
 * snapshot) in format fmt, appended to out. */
kh_status kh_store_compute_results(kh_store *s, int year,
                                   kh_result_format fmt, unsigned flags,
                                   kh_buf *out, kh_err *e);

/* Calls the progress callback when one is set. */
void kh_store_progress(kh_store *s, const char *stage, size_t done,
                       size_t total);

/* ---- entries (lib/store/store_entry.c) ---- */

/* Appends the inputs the entry gives, as a JSON object in slot order:
 * check true/false, count/deduct integers, choice the option id,
 * judgement a number. */
void kh_store_inputs_json(const kh_rubric *r, size_t item,
                          const kh_entry *en, kh_buf *out);
/* Parses stored inputs JSON into a mapping node in arena ar.  name is
 * used in messages. */
kh_status kh_store_parse_inputs(const char *name, const char *json,
                                size_t len, kh_arena *ar,
                                const kh_node **out, kh_err *e);
/* Clears the line/col of a node tree (in a writable arena): positions
 * inside stored JSON mean nothing to a reader; messages about stored
 * values name the record instead. */
void kh_store_unlocate(kh_node *n);
/* An entry's state as the audit log records it: {"inputs": INPUTS,
 * "note": NOTE, "version": V}; malloc'd, caller frees (NULL: no memory). */
char *kh_store_entry_state_json(const char *inputs, const char *note,
                                int64_t version);
/* A unit as the audit log records it: {"name": .., "kind": ..,
 * "branch": ..}; malloc'd, caller frees (NULL: no memory). */
char *kh_store_unit_json(const char *name, const char *kind,
                         const char *branch);
/* Appends one audit record per unit of the year just imported in draft
 * ("import.unit": the unit and a digest of its entries; "import.bonus",
 * "import.negative": its record lists), then "import.roster" per roster
 * and "import.branches", so that kh_store_audit_replay can prove them
 * (lib/store/store_replay.c, store_replay_tables.c). */
kh_status kh_store_audit_import_units(kh_store *s, const char *actor,
                                      int year, kh_err *e);
/* Appends "\nUNIT TAG" per unit of the year's stored roster (unit order;
 * TAG proves the unit's list), for the roster.import record
 * (lib/store/store_replay_tables.c). */
kh_status kh_store_roster_tags(kh_store *s, int year, const char *roster,
                               kh_buf *out, kh_err *e);
/* Replays the audit log and compares the result with the live years,
 * units, entries, bonus/negative records, rosters, branch names, users,
 * assignments, claims, dates and document settings; every difference is an
 * error on e naming the object (lib/store/store_replay.c). */
kh_status kh_store_audit_replay(kh_store *s, kh_buf *report, kh_err *e);

/* "jd/1.3/inspection" into buf. */
void kh_store_entry_name(char *buf, size_t sz, const char *unit,
                         const char *item, kh_phase phase);

/* A stored unit of a year. */
typedef struct kh_store_unit {
    char *name, *kind, *branch;   /* owned */
} kh_store_unit;
/* Reads one unit; KH_ENOTFOUND (no message) when absent. */
kh_status kh_store_unit_get(kh_store *s, int year, const char *id,
                            kh_store_unit *out, kh_err *e);
void kh_store_unit_clear(kh_store_unit *u);

/* ---- assessments (lib/store/store_assess.c) ---- */

/* Adds the year's stored rosters (all units, or only unit when not NULL)
 * to a. */
kh_status kh_store_add_rosters(kh_store *s, int year, const char *unit,
                               kh_assess *a, kh_err *e);

#endif
