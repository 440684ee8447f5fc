/*
 * kaohe/store.h - the assessment store: rubric versions, years and their
 * state machine, units, entries, rosters, bonus/negative records, frozen
 * results and a hash-chained audit log, in one SQLite file.
 *
 * All SQL of kaohe lives in lib/store/store*.c behind this interface, so that a
 * PostgreSQL backend can follow: the SQL is kept portable (no SQLite-only
 * functions in queries, `?` parameters, TEXT/INTEGER/BLOB columns).
 * A kh_store handle is used by one thread at a time; open one per thread
 * (or per request) instead.
 *
 * Concurrency: the file is opened in WAL mode with synchronous=NORMAL,
 * foreign keys on and a busy timeout; every write runs inside
 * kh_store_begin() (BEGIN IMMEDIATE) ... kh_store_commit().  Every change
 * appends its audit record (kh_store_audit) inside the same transaction,
 * so a change and its record land together or not at all.
 *
 * Schema and migrations: PRAGMA user_version holds the number of the last
 * migration applied; opening a store applies the missing ones in one
 * transaction.  Migration 1 (lib/store/store_schema.c) is the core: meta,
 * rubric, year, snapshot, branch, unit, entry, roster, bonus, negative,
 * audit.  Migration 2 belongs to users, evidence and follow-up (issue
 * items 8-10: lib/store/store_users.c, lib/store/store_evidence.c,
 * lib/store/store_followup.c), appended to the list in lib/store/store_schema.c by
 * their owner: tables app_user, user_assign, evidence, entry_evidence,
 * followup_talk, followup_item, practice.  They reference the core as
 * unit(year, id), entry(id) and year(year); their owner also adds the
 * evidence-hash check to kh_store_check().  Until the first release a
 * migration may still be edited in place.
 *
 * The actor: every write call takes `actor`, the name of the person doing
 * it (the CLI: --as NAME, else $KAOHE_USER, else the OS user name); it is
 * recorded in the audit log.  Permission checks by role are the caller's
 * (the web server's) business; the store enforces the year's state.
 *
 * Memory: strings passed in are borrowed for the call; strings returned
 * through `char **` are malloc'd and owned by the caller; strings inside
 * callback rows are borrowed for the duration of the callback only.
 */
#ifndef KAOHE_STORE_H
#define KAOHE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kaohe/error.h"
#include "kaohe/buf.h"
#include "kaohe/num.h"
#include "kaohe/rubric.h"
#include "kaohe/assess.h"
#include "kaohe/name.h"
#include "kaohe/score.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kh_store kh_store;

/* The number of the newest migration this build knows. */
int kh_store_latest_version(void);

/* ---- opening ------------------------------------------------------- */

/* kh_store_open() flags. */
#define KH_STORE_CREATE 1u  /* create the file when missing (kaohe init) */

/* Opens the store at path: a SQLite file, ":memory:" for a private
 * in-memory store, or a PostgreSQL URI (postgresql://... or postgres://...,
 * given to libpq as it is).  Sets the pragmas and applies missing
 * migrations.  Only KH_STORE_CREATE (kaohe init) makes a new store:
 * without it a missing file is KH_ENOTFOUND, and an empty file or
 * database is refused like one that is not a kaohe store, one that is
 * damaged or truncated, or one made by a newer kaohe (KH_EDB, the message
 * says which).  On KH_OK the
 * caller owns *out (kh_store_close). */
kh_status kh_store_open(const char *path, unsigned flags, kh_err *e,
                        kh_store **out);
/* Closes the store; an open transaction is rolled back. */
void kh_store_close(kh_store *s);
/* Sets SQLite's page cache of this connection to kib KiB (kh_store_open
 * sets 32 MiB, for large imports; a server with one connection per
 * thread wants less).  KH_EDB on failure. */
kh_status kh_store_set_cache_kib(kh_store *s, int kib, kh_err *e);
/* Bounds the WAL file: once it reaches bytes, the commit that got it
 * there runs a TRUNCATE checkpoint (waiting for the readers still using
 * it).  kh_store_open sets 16 MiB; 0 leaves SQLite's passive
 * checkpoints alone (the WAL then grows while readers always overlap). */
kh_status kh_store_set_wal_limit(kh_store *s, int64_t bytes, kh_err *e);
/* Schema version of the open store (PRAGMA user_version). */
int kh_store_version(const kh_store *s);
/* The path it was opened with, a URI without its password (borrowed). */
const char *kh_store_path(const kh_store *s);
/* Sets the data directory (copied): on PostgreSQL there is no file to put
 * it beside, so every instance names the same shared directory. */
kh_status kh_store_set_data_dir(kh_store *s, const char *dir, kh_err *e);
/* What kh_store_copy copied. */
typedef struct kh_store_copy_counts {
    int64_t tables, rows, files;
} kh_store_copy_counts;
/* Copies everything in `from` (a SQLite store) into `to`, a store just
 * made by kh_store_open(KH_STORE_CREATE) on either engine: every row of
 * every table as it is (so the audit chain, users, published snapshots
 * and follow-up carry over unbroken and verifiable), then the evidence
 * files, each checked against its hash, into to's data directory.  One
 * transaction on `to`: all or nothing.  A target holding data already is
 * KH_ESTATE; actor is recorded for nothing (the copy adds no audit
 * record, so that the chain stays the source's). */
kh_status kh_store_copy(kh_store *from, kh_store *to, const char *actor,
                        kh_store_copy_counts *counts, kh_err *e);

/* A quick integrity check (SQLite's PRAGMA quick_check; nothing to do on
 * PostgreSQL, whose server checks its pages): KH_EDB naming the damage.
 * For `kaohe serve` at start. */
kh_status kh_store_quick_check(kh_store *s, kh_err *e);
/* True once the engine has reported damage on this connection (a corrupt
 * page met by any statement): a server then refuses writes (503). */
bool kh_store_damaged(const kh_store *s);
/* True when the store is a PostgreSQL database (kh_store_open got a
 * postgres:// or postgresql:// URI). */
bool kh_store_is_postgres(const kh_store *s);
/* The data directory beside the database, "<path>.data" (borrowed; NULL
 * for ":memory:" and for PostgreSQL until kh_store_set_data_dir).  Evidence files live under it; it is created by the
 * first writer that needs it. */
const char *kh_store_data_dir(const kh_store *s);

/* Progress of long operations (imports): called now and then with the
 * stage ("entries") and how many of total rows are done.  NULL: none. */
typedef void (*kh_progress_fn)(void *ctx, const char *stage, size_t done,
                               size_t total);
void kh_store_set_progress(kh_store *s, kh_progress_fn fn, void *ctx);

/* ---- time ---------------------------------------------------------- */

#define KH_STORE_TIME_SZ 21   /* "2025-12-31T23:59:59Z" + NUL */
/* The latest time the store can stamp: the last second of KH_YEAR_MAX
 * in China Standard Time (9999-12-31T15:59:59Z), so both the UTC stamp
 * and the UTC+8 calendar day stay four-digit years. */
#define KH_STORE_TIME_MAX INT64_C(253402271999)
/* Makes the store use a fixed time (seconds since the epoch, UTC) for
 * every time stamp, for reproducible tests; 0 returns to the clock. */
void kh_store_set_time(kh_store *s, int64_t unix_seconds);
/* Writes the current UTC time stamp "YYYY-MM-DDTHH:MM:SSZ" into buf. */
void kh_store_now(const kh_store *s, char buf[KH_STORE_TIME_SZ]);
#define KH_STORE_DATE_SZ 11   /* "2025-12-31" + NUL */
/* Writes today's date "YYYY-MM-DD" by the store's clock in China Standard
 * Time (UTC+8), the calendar of deadlines and report dates. */
void kh_store_today(const kh_store *s, char buf[KH_STORE_DATE_SZ]);

/* ---- transactions -------------------------------------------------- */

/* Starts a write transaction (BEGIN IMMEDIATE, so a second writer waits
 * for the busy timeout instead of failing half way).  Calls nest: an
 * inner begin opens a savepoint.  Every begin is ended by exactly one
 * commit or rollback. */
kh_status kh_store_begin(kh_store *s, kh_err *e);
kh_status kh_store_commit(kh_store *s, kh_err *e);
/* Undoes everything since the matching begin.  Never fails visibly. */
void kh_store_rollback(kh_store *s);
bool kh_store_in_tx(const kh_store *s);

/* ---- the audit log ------------------------------------------------- */

/* One change.  Every string may be NULL except actor and action; year 0
 * means "not about one year". */
typedef struct kh_audit_rec {
    const char *actor;     /* who (user name) */
    const char *action;    /* what kind of change: "entry.set", "year.advance" */
    int year;
    const char *unit;      /* unit id, when the change is about one unit */
    const char *object;    /* what exactly: "jd/1.3/inspection", "ideology-2020@3f2a…" */
    const char *old_value; /* before (JSON or text), NULL when new */
    const char *new_value; /* after, NULL when removed */
    const char *reason;    /* why (required by some actions) */
} kh_audit_rec;

/* Appends one record, stamped with the current UTC time and chained to
 * the previous record: hash = SHA-256(previous hash, every field).  Must
 * be called inside a transaction (KH_ESTATE otherwise), in the same one
 * as the change it records. */
kh_status kh_store_audit(kh_store *s, const kh_audit_rec *rec, kh_err *e);

/* A stored record, as the callbacks see it (borrowed strings). */
typedef struct kh_audit_row {
    int64_t seq;           /* 1, 2, 3 ... */
    const char *at;        /* UTC time stamp */
    kh_audit_rec rec;
    const char *prev;      /* hex SHA-256 of the previous record */
    const char *hash;      /* hex SHA-256 of this record */
} kh_audit_row;
typedef kh_status (*kh_audit_fn)(void *ctx, const kh_audit_row *row);

/* Calls fn for each record in order, only those of year (0: all) and
 * unit (NULL: all).  Stops early when fn returns non-KH_OK and returns
 * that status. */
kh_status kh_store_audit_each(kh_store *s, int year, const char *unit,
                              kh_audit_fn fn, void *ctx, kh_err *e);
/* Calls fn, in order, for the records with after < seq <= upto, at most
 * max of them: the changes another process made since a reader last
 * looked (the web server applies them to its cached years).  KH_ELIMIT,
 * with fn called for none, when there are more than max (the reader
 * rebuilds instead); fn's non-KH_OK status stops the walk and is
 * returned.  Row strings are borrowed for the call. */
kh_status kh_store_audit_since(kh_store *s, int64_t after, int64_t upto,
                               size_t max, kh_audit_fn fn, void *ctx,
                               kh_err *e);
/* The sequence number of the last audit record: it rises with every
 * change to the store (every change appends a record), so a reader can
 * tell cheaply whether anything it cached is stale (the web server's
 * rendered results).  One indexed read, no transaction needed. */
kh_status kh_store_change_seq(kh_store *s, int64_t *seq, kh_err *e);
/* The change seqs (audit records) written by the last transaction this
 * connection committed: first..last, or 0, 0 when it wrote none (or
 * when a transaction started since did not commit).  The web server
 * tells its own writes from other processes' by them. */
void kh_store_last_commit_seqs(const kh_store *s, int64_t *first,
                               int64_t *last);
/* Recomputes the chain.  KH_OK when intact (*count gets the number of
 * records); otherwise KH_EINVAL with one message naming the first record
 * that was altered, removed or reordered ("audit record 17: ..."). */
kh_status kh_store_audit_verify(kh_store *s, int64_t *count, kh_err *e);

/* The chain head "SEQ:HASH": the last record's sequence number and hex
 * SHA-256 ("0:000..." for an empty log).  Printed by `kaohe audit
 * verify` and in every published document, so that a copy of the store
 * whose tail was cut off is caught against any of them. */
#define KH_AUDIT_HEAD_SZ 88   /* 20 digits, ':', 64 hex digits, NUL */
kh_status kh_store_audit_head(kh_store *s, char head[KH_AUDIT_HEAD_SZ],
                              kh_err *e);
/* Checks that the head "SEQ:HASH" (from a published document) is a
 * record of this store's log: KH_EINVAL naming the record when it is
 * missing (records cut off the end) or has another hash (the log was
 * rewritten); a malformed head is an error at `path`. */
kh_status kh_store_audit_check_head(kh_store *s, const char *head,
                                    const char *path, kh_err *e);

/* Signing the head with a key kept outside the store (Ed25519,
 * libsodium crypto_sign).  A key file is one line "kaohe-audit-secret
 * HEX" or "kaohe-audit-public HEX".  kh_audit_keygen appends a new pair's
 * two files' texts to secret and public. */
kh_status kh_audit_keygen(kh_buf *secret, kh_buf *public_key, kh_err *e);
/* Signs the current head with the secret key file's text (named path in
 * messages) and keeps head and signature in the store (meta
 * audit_signature); the signed head goes to head. */
kh_status kh_store_audit_sign(kh_store *s, const char *key_text,
                              const char *path, char head[KH_AUDIT_HEAD_SZ],
                              kh_err *e);
/* Checks the stored signature with the public key file's text and that
 * the signed head is still in the log (kh_store_audit_check_head); the
 * signed head goes to head.  No signature stored: KH_ENOTFOUND. */
kh_status kh_store_audit_check_signature(kh_store *s, const char *key_text,
                                         const char *path,
                                         char head[KH_AUDIT_HEAD_SZ],
                                         kh_err *e);

/* ---- backup and restore (lib/store/store_backup.c) ------------------ */

#define KH_BACKUP_DB "kaohe.db"        /* the database in a backup */
#define KH_BACKUP_MANIFEST "MANIFEST"  /* its list of files */
/* Backs the open store up into the new directory dir (refused when it
 * exists, unless it is an empty directory): the database through
 * SQLite's online backup, consistent as of one commit while other
 * connections write - or, for a store on PostgreSQL, every row read in
 * one REPEATABLE READ snapshot into a SQLite store of the same schema;
 * every evidence file the copy references, hash-verified; and MANIFEST
 * with the audit head and each file's size and SHA-256.  Made under a
 * temporary name and renamed, so dir is complete or absent.  Appends a
 * line to report. */
kh_status kh_store_backup_to(kh_store *s, const char *dir, kh_buf *report,
                             kh_err *e);
/* Restores the backup in dir to the store db and its evidence files to
 * data_dir (NULL: db.data/ beside a file; required for PostgreSQL): every
 * file is checked against the manifest before anything is written.  A
 * file db that exists is refused unless force (its -wal and -shm are
 * removed); a PostgreSQL URI must name an empty database (made as by
 * `kaohe init` when it has no tables; one holding data is KH_ESTATE,
 * force is refused) and is filled in one transaction.  The caller should
 * stop servers on db first and run kh_store_check after.  Appends a line
 * to report. */
kh_status kh_store_restore_from(const char *dir, const char *db,
                                const char *data_dir, bool force,
                                kh_buf *report, kh_err *e);

/* ---- integrity ----------------------------------------------------- */

/* PRAGMA integrity_check, foreign key check, the audit chain and the
 * hashes of frozen results.  Appends a line per check to report (Chinese,
 * for people); adds an error per problem found.  KH_OK when clean. */
kh_status kh_store_check(kh_store *s, kh_buf *report, kh_err *e);

/* ---- rubrics ------------------------------------------------------- */

/* A rubric version is its id plus the SHA-256 of its file text; it is
 * written "ID@HASH" (HASH may be shortened to a prefix of at least 4 hex
 * digits when referring to one; kaohe shows 12). */
#define KH_STORE_HASH_SHOW 12

/* Checks the rubric text (kh_rubric_load_mem, every error located under
 * name) and stores it with its hash.  Importing the same text again
 * changes nothing: *created (may be NULL) is false then.  *version (may
 * be NULL) gets "ID@HASH" (full hash), caller frees. */
kh_status kh_store_rubric_import(kh_store *s, const char *actor,
                                 const char *name, const char *data,
                                 size_t len, kh_err *e, char **version,
                                 bool *created);
/* Finds a stored rubric by "ID" (its most recently imported version) or
 * "ID@HASHPREFIX" (ambiguous prefixes are an error).  The caller owns the
 * returned strings: *text (the original file text, byte for byte, NUL
 * added), *version ("ID@HASH").  Either pointer may be NULL. */
kh_status kh_store_rubric_get(kh_store *s, const char *ref, kh_err *e,
                              char **text, size_t *len, char **version);
/* Loads a stored rubric; caller owns *out (kh_rubric_free). *version may
 * be NULL. */
kh_status kh_store_rubric_load(kh_store *s, const char *ref, kh_err *e,
                               kh_rubric **out, char **version);

typedef struct kh_rubric_row {
    const char *id;
    const char *hash;
    const char *title;
    const char *imported_at;
    const char *imported_by;
} kh_rubric_row;
typedef kh_status (*kh_rubric_fn)(void *ctx, const kh_rubric_row *row);
/* Every stored version, by id then import order. */
kh_status kh_store_rubric_each(kh_store *s, kh_rubric_fn fn, void *ctx,
                               kh_err *e);

/* ---- years (考核年度) and their state machine ------------------------ */

typedef enum kh_year_state {
    KH_YEAR_DRAFT = 0,     /* units registered, data may be loaded */
    KH_YEAR_SELF_CHECK,    /* units write their self entries */
    KH_YEAR_INSPECTION,    /* the inspection team scores on site */
    KH_YEAR_REVIEW,        /* figures are reviewed, still writable */
    KH_YEAR_PUBLISHED,     /* results frozen as a snapshot */
    KH_YEAR_CLOSED         /* follow-up done; nothing changes */
} kh_year_state;

/* "draft", "self_check", ... */
const char *kh_year_state_name(kh_year_state st);
/* 草稿, 自查, ... (for people) */
const char *kh_year_state_label(kh_year_state st);
bool kh_year_state_parse(const char *s, kh_year_state *out);

/* Opens a year bound to one rubric version ("ID" or "ID@HASHPREFIX"),
 * in state draft.  A year that exists already is KH_ESTATE. */
kh_status kh_store_year_open(kh_store *s, const char *actor, int year,
                             const char *rubric_ref, kh_err *e);

/* kh_store_year_advance() flags. */
#define KH_ADVANCE_ALLOW_MISSING 1u  /* publish with missing items scored 0 */

/* Moves the year one state on.  Leaving draft needs at least one unit.
 * Moving review -> published computes the results (they must be complete
 * unless KH_ADVANCE_ALLOW_MISSING) and freezes them as snapshots (JSON,
 * table and CSV) with their SHA-256.  *now (may be NULL) gets the new
 * state. */
kh_status kh_store_year_advance(kh_store *s, const char *actor, int year,
                                unsigned flags, const char *reason,
                                kh_year_state *now, kh_err *e);
/* The states a year may be reopened from: inspection (back to self_check:
 * the units correct their self-check; inspection entries stay), review
 * (to inspection) and published (to review, dropping the snapshot).  Not
 * self_check (draft would allow replacing the units under their entries)
 * nor closed (final). */
#define KH_YEAR_REOPENABLE                                                  \
    ((1u << KH_YEAR_INSPECTION) | (1u << KH_YEAR_REVIEW) |                  \
     (1u << KH_YEAR_PUBLISHED))
/* Moves the year back one step from a KH_YEAR_REOPENABLE state; reason is
 * required and recorded. */
kh_status kh_store_year_reopen(kh_store *s, const char *actor, int year,
                               const char *reason, kh_year_state *now,
                               kh_err *e);

typedef struct kh_year_info {
    int year;
    kh_year_state state;
    const char *rubric;        /* "ID@HASH" */
    const char *snapshot_hash; /* hex SHA-256 of the JSON snapshot, or NULL */
    size_t units;              /* number of units */
    size_t entries;            /* number of entries */
} kh_year_info;
typedef kh_status (*kh_year_fn)(void *ctx, const kh_year_info *y);
/* Calls fn for one year (year != 0; KH_ENOTFOUND when absent) or for
 * every year in order (year == 0). */
kh_status kh_store_year_each(kh_store *s, int year, kh_year_fn fn, void *ctx,
                             kh_err *e);
/* The state of one year; KH_ENOTFOUND (with a message) when absent. */
kh_status kh_store_year_state(kh_store *s, int year, kh_year_state *out,
                              kh_err *e);

/* ---- building an assessment from the store ------------------------- */

/* Rebuilds year's assessment through the builder of kaohe/assess.h, so
 * every stored value passes the same checks as a file.  The caller owns
 * *rubric and *out and frees *out first. */
kh_status kh_store_load_assess(kh_store *s, int year, kh_err *e,
                               kh_rubric **rubric, kh_assess **out);

/* Result formats of kh_store_results(). */
typedef enum kh_result_format {
    KH_RESULT_TABLE = 0,
    KH_RESULT_JSON,
    KH_RESULT_CSV
} kh_result_format;

/* The results of a year, exactly as `kaohe score` writes them: computed
 * from the store, or once published the frozen snapshot (flags ignored).
 * flags: KH_SCORE_ALLOW_MISSING.  Appends to out. */
kh_status kh_store_results(kh_store *s, int year, kh_result_format fmt,
                           unsigned flags, kh_buf *out, kh_err *e);

/* ---- imports (each one transaction: all rows land or none) ---------- */

/* Counts of what an import stored. */
typedef struct kh_import_stats {
    size_t units, branches, entries, rosters, people, bonus, negative;
    size_t changed;    /* records that differ from what was stored */
} kh_import_stats;

/* Units and branches of a year (state draft) from a CSV/XLSX table (header
 * 编号,名称,类别,支部编号,支部名称 or id,name,kind,branch,branch_name;
 * 类别 takes the rubric's kind names or ids) or a YAML/JSON document (a
 * list of units, or a mapping with `units` and optional `branches`, as in
 * an assessment file).  The format is detected from content.  The year's
 * units are replaced by the file's; entries of units no longer listed are
 * removed.  Every bad row is reported with its row (and column). */
kh_status kh_store_units_import(kh_store *s, const char *actor, int year,
                                const char *name, const char *data,
                                size_t len, kh_err *e, kh_import_stats *st);

typedef struct kh_unit_row {
    const char *id, *name, *kind;  /* kind: the rubric's kind id */
    const char *branch;            /* branch id (= id when its own) */
    const char *branch_name;       /* given name, or NULL */
} kh_unit_row;
typedef kh_status (*kh_unit_fn)(void *ctx, const kh_unit_row *row);
/* The longest unit name kh_store_unit_add/rename take, in bytes: the
 * one name limit of kaohe/name.h. */
#define KH_UNIT_NAME_MAX KH_NAME_MAX

/* One unit to add (all borrowed): branch NULL or "" makes the unit its
 * own branch; kind is a kind name (系) or id of the year's rubric. */
typedef struct kh_unit_add {
    const char *id, *name, *kind, *branch;
} kh_unit_add;
/* Adds one unit at the end of the year's list (state draft), audited as
 * "unit.add".  Refused (KH_EINVAL, located by the field: "id", "name",
 * "kind", "branch"): a bad or taken id, an empty, over-long or taken
 * name, an unknown kind, a branch no unit of the year belongs to. */
kh_status kh_store_unit_add(kh_store *s, const char *actor, int year,
                            const kh_unit_add *u, kh_err *e);
/* Renames unit id (state draft), audited as "unit.change"; the name
 * rules are those of kh_store_unit_add. */
kh_status kh_store_unit_rename(kh_store *s, const char *actor, int year,
                               const char *id, const char *name, kh_err *e);

/* The name unit id has in the latest year that lists it (*name
 * malloc'd, caller frees); KH_ENOTFOUND (no message) when none does. */
kh_status kh_store_unit_name(kh_store *s, const char *id, char **name,
                             kh_err *e);
/* The year's units in order. */
kh_status kh_store_unit_each(kh_store *s, int year, kh_unit_fn fn, void *ctx,
                             kh_err *e);

/* A whole assessment file (SCORING.md section 4) into its year (the
 * file's `year`; when year != 0 they must agree).  In draft it replaces
 * everything of the year.  In a later state only what the state allows is
 * accepted (self entries in self_check; inspection entries and bonus and
 * negative records in inspection and review; rosters until review); the
 * units must then match the stored ones, entries are updated in place
 * (versions bumped where they changed) and a bonus or negative list in
 * the file replaces the stored one. */
kh_status kh_store_import_assessment(kh_store *s, const char *actor,
                                     int year, const char *name,
                                     const char *data, size_t len, kh_err *e,
                                     kh_import_stats *st);

/* Writes the year as an assessment file (YAML) that scores the same as
 * the store.  Appends to out. */
kh_status kh_store_export_assessment(kh_store *s, int year, kh_buf *out,
                                     kh_err *e);

/* A roster (e.g. "xuexi") for the year's units from a CSV/XLSX table
 * with 单位编号,姓名,积分 (or unit,name,value).  Replaces the year's
 * roster of that name. */
kh_status kh_store_roster_import(kh_store *s, const char *actor, int year,
                                 const char *roster, const char *name,
                                 const char *data, size_t len, kh_err *e,
                                 kh_import_stats *st);

/* ---- single entries ------------------------------------------------ */

/* One input to set: value is what a person types (`2`, `true`, `late`,
 * `3.5`); NULL removes the input from the entry. */
typedef struct kh_input_kv {
    const char *name;
    const char *value;
} kh_input_kv;

/* For kh_store_entry_set(): expect_version values. */
#define KH_VERSION_ANY (-1)  /* update whatever is stored */
#define KH_VERSION_NEW 0     /* the entry must not exist yet */

/* One entry write for kh_store_entry_set(); every pointer is borrowed
 * for the call only. */
typedef struct kh_entry_write {
    const char *actor; /* who writes, for the audit record */
    int year;
    const char *unit;
    const char *item;
    kh_phase phase;
    size_t n;                  /* number of inputs */
    const kh_input_kv *inputs; /* n inputs to set or remove */
    const char *note;          /* NULL keeps the stored note, "" clears it */
    int64_t expect_version;    /* KH_VERSION_ANY, KH_VERSION_NEW or >= 1 */
} kh_entry_write;

/* Sets inputs of one entry (creating it at version 1 or bumping its
 * version); inputs not named keep their value.  When expect_version is
 * >= 0 and differs from the stored version the update is refused with
 * KH_ECONFLICT (no lost update).  The year's state must allow the phase
 * (KH_ESTATE).  The resulting entry passes the same checks as one read
 * from a file (KH_EINVAL).  *version (may be NULL) gets the new version. */
kh_status kh_store_entry_set(kh_store *s, const kh_entry_write *w,
                             int64_t *version, kh_err *e);

typedef struct kh_entry_row {
    int64_t id;            /* row id (evidence links use it) */
    const char *unit;
    const char *item;
    kh_phase phase;
    const char *inputs;    /* JSON object text */
    const char *note;      /* NULL if none */
    int64_t version;
    const char *updated_at;
    const char *updated_by;
} kh_entry_row;
typedef kh_status (*kh_entry_fn)(void *ctx, const kh_entry_row *row);
/* Entries of a year in unit order then rubric item order, self before
 * inspection; unit and item (NULL: all) filter. */
kh_status kh_store_entry_each(kh_store *s, int year, const char *unit,
                              const char *item, kh_entry_fn fn, void *ctx,
                              kh_err *e);

/* ---- bonus (特色加分) and negative (负面清单) records --------------- */

/* Adds a record (state inspection or review); negative true for the
 * negative list.  *id (may be NULL) gets its id. */
kh_status kh_store_record_add(kh_store *s, const char *actor, int year,
                              const char *unit, bool negative, kh_cp points,
                              const char *reason, int64_t *id, kh_err *e);
typedef struct kh_record_row {
    int64_t id;
    const char *unit;
    bool negative;
    kh_cp points;
    const char *reason;
} kh_record_row;
typedef kh_status (*kh_record_fn)(void *ctx, const kh_record_row *row);
/* Bonus records then negative ones, each by unit order then id; unit
 * (NULL: all) filters. */
kh_status kh_store_record_each(kh_store *s, int year, const char *unit,
                               kh_record_fn fn, void *ctx, kh_err *e);
/* Removes record id of the year; reason required. */
kh_status kh_store_record_remove(kh_store *s, const char *actor, int year,
                                 bool negative, int64_t id,
                                 const char *reason, kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
