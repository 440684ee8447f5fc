/*
 * assess_impl.h - private: the body of kh_assess and its records, shared
 * by assess.c (model, builder, loader), score.c and explain.c.  Not part
 * of the public API; nothing outside lib/ includes it.
 *
 * Layout (chosen for 10k units x 25 items x 2 phases):
 * - entries live in one flat table of kh_entry (16 bytes), one per
 *   (unit, item, phase) at index (u * nitems + i) * 2 + phase, grown as
 *   units are added and cut to the units' count in finish; an empty
 *   slot has vals == NULL;
 * - an entry's input values are an array of kh_cp (one per input slot of
 *   the item, KH_ASSESS_ABSENT when not given) in the assessment's block
 *   pool, as are all strings, so pointers into it stay valid;
 * - ids are found through small open-addressing hash tables.
 */
#ifndef KAOHE_ASSESS_IMPL_H
#define KAOHE_ASSESS_IMPL_H

#include <stdint.h>
#include "kaohe/assess.h"

/* Value of an input slot the entry did not give. */
#define KH_ASSESS_ABSENT INT64_MIN
/* An index that is not set (unknown kind, unresolved unit). */
#define KH_ASSESS_NONE UINT32_MAX

/* 16 bytes: 10,000 units make 500,000 slots (docs/PERFORMANCE.md,
 * "Deadline": memory).  The record's line, needed only to name the
 * first of two duplicate entries while loading, is kept beside the
 * table (kh_assess.lines) until finish. */
struct kh_entry {
    const kh_cp *vals;     /* one per slot; NULL: no entry here */
    const char *note;      /* NULL if none; owned by the pool */
};

/* Where a record came from, for messages.  path is owned by the pool (or
 * static); NULL when the caller gave none. */
typedef struct kh_assess_where {
    uint32_t line, col;
    const char *path;
} kh_assess_where;

typedef struct kh_assess_unit_rec {
    const char *id, *name;         /* pool */
    uint32_t kind;                 /* rubric kind, KH_ASSESS_NONE if bad */
    uint32_t branch;               /* index into branches */
    kh_assess_where at;            /* the record */
    uint32_t bline, bcol;          /* its branch value (or the record) */
} kh_assess_unit_rec;

typedef struct kh_assess_branch_rec {
    const char *id;                /* pool */
    const char *given;             /* name from the branches list, or NULL */
    const char *name;              /* resolved in finish (DESIGN.md rule) */
    uint32_t kind;                 /* kind of its units, or KH_ASSESS_NONE */
    uint32_t first, nunits;        /* its units: branch_units[first..] */
    kh_assess_where at;            /* the branches-list record, if any */
} kh_assess_branch_rec;

/* A bonus or negative record. */
typedef struct kh_assess_points_rec {
    const char *unit_id;           /* pool */
    uint32_t unit;                 /* resolved in finish */
    uint32_t uline, ucol;          /* the unit value */
    kh_cp points;
    const char *reason;            /* pool, may be NULL */
    kh_assess_where at;
} kh_assess_points_rec;

typedef struct kh_assess_roster_rec {
    const char *unit_id;           /* pool */
    uint32_t unit;                 /* resolved in finish */
    uint32_t name;                 /* index into kh_assess.rnames */
    uint32_t uline, ucol;
    size_t n;
    const char *const *people;     /* pool */
    const kh_cp *values;           /* pool */
    kh_assess_where at;
} kh_assess_roster_rec;

/* A set of points records with per-unit ranges built in finish. */
typedef struct kh_assess_points_set {
    kh_assess_points_rec *recs;
    size_t n, alloc;
    uint32_t *off;                 /* nunits + 1 offsets into idx */
    uint32_t *idx;                 /* record indices grouped by unit */
} kh_assess_points_set;

/* Open-addressing string -> index table. */
typedef struct kh_assess_map_slot {
    const char *key;               /* NULL: empty */
    uint32_t hash;
    uint32_t val;
} kh_assess_map_slot;
typedef struct kh_assess_map {
    kh_assess_map_slot *s;
    size_t cap, n;                 /* cap a power of two */
} kh_assess_map;

typedef struct kh_assess_block kh_assess_block;

/* While loading, entries with the same input values (or the same note)
 * share one pooled copy: values and notes never change once placed (an
 * edit makes new ones), and a year repeats them a lot (a rating, a
 * check, a standard remark).  A table of the copies made so far, by
 * their bytes; freed in finish.  At most KH_ASSESS_SHARED_MAX copies are
 * listed per table (beyond, new ones are not shared), which bounds the
 * table at 1 MiB when nothing repeats. */
#define KH_ASSESS_SHARED_MAX 32768u
typedef struct kh_assess_shared_slot {
    const void *p;                 /* NULL: empty */
    uint32_t hash, len;
} kh_assess_shared_slot;
typedef struct kh_assess_shared {
    kh_assess_shared_slot *s;
    size_t cap, n;                 /* cap a power of two */
} kh_assess_shared;

struct kh_assess {
    const kh_rubric *r;
    int year;
    size_t nitems;
    const char *file;              /* pool; file it was loaded from */

    kh_assess_block *blocks;       /* pool of values and strings */

    kh_assess_unit_rec *units;
    size_t nunits, aunits;
    kh_assess_map unit_map;

    kh_assess_branch_rec *branches;
    size_t nbranches, abranches;
    kh_assess_map branch_map;
    uint32_t *branch_units;        /* built in finish */

    kh_entry *slots;               /* aunits * nitems * 2; a unit's
                                    * slots are zeroed when it is added */
    kh_assess_shared vshared, nshared; /* values, notes: while loading */
    uint32_t *lines;               /* beside slots, the entries' record
                                    * lines; made on the first entry with
                                    * a line, freed in finish */
    kh_assess_map item_map;

    const char **rnames;           /* roster names used by the rubric */
    size_t nrnames;
    kh_assess_roster_rec *rosters;
    size_t nrosters, arosters;
    int32_t *unit_roster;          /* nunits * nrnames, built in finish */

    kh_assess_points_set bonus, negative;

    /* Records kept for finish (see assess.c). */
    struct kh_assess_pending *pend;
    size_t npend, apend;
    struct kh_assess_ruse *ruses;
    size_t nruses, aruses;

    size_t nbad;                   /* errors reported so far */
    bool oom;                      /* an allocation failed */
    bool finished;
};

#endif
