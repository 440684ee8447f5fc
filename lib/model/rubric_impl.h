/*
 * rubric_impl.h - the bodies of kh_rubric and kh_term, private to lib/.
 *
 * Owned by rubric.c; score, explain and the views may read the fields
 * directly (a loaded rubric is immutable).  Everything a kh_rubric points
 * to lives in its arena and is freed with it.
 */
#ifndef KAOHE_RUBRIC_IMPL_H
#define KAOHE_RUBRIC_IMPL_H

#include "kaohe/rubric.h"
#include "kaohe/doc.h"

/* Groups may nest at most this deep below the item (the item's root group
 * is depth 0). */
#define KH_RUBRIC_MAX_DEPTH 16

typedef struct kh_option {
    const char *id;
    const char *label;          /* may be NULL */
    kh_cp points;
} kh_option;

struct kh_term {
    kh_term_kind kind;
    const char *input;          /* NULL for a group */
    const char *label;          /* may be NULL */
    size_t slot;                /* input-reading terms only */
    kh_cp points;               /* check, judgement */
    kh_cp per;                  /* count, deduct */
    kh_cp cap;                  /* count, when has_cap */
    bool has_cap;
    kh_cp step;                 /* judgement; 50 unless given */
    kh_cp max, start;           /* group */
    const char *roster;         /* count/deduct; NULL when none */
    kh_cp roster_below;
    const char *roster_title;   /* what people call it; NULL when none */
    kh_source *source;          /* judgement: questionnaire figure; or NULL */
    const char *provider;       /* department that supplies it; or NULL */
    size_t nopts;               /* choice */
    kh_option *opts;
    size_t nkids;               /* group */
    kh_term *kids;
    unsigned line, col;         /* where the term was written */
};

typedef struct kh_kind {
    const char *id, *name;
} kh_kind;

typedef struct kh_ranking {
    const char *id, *name;
    size_t kind;
    kh_level level;
} kh_ranking;

typedef struct kh_category {
    const char *id, *name;
    kh_cp max;
    size_t first, count;        /* its items */
} kh_category;

/* A kind of bonus claim (特色加分) and the most one claim may earn. */
typedef struct kh_bonus_kind {
    const char *id, *name;
    kh_cp ceiling;
} kh_bonus_kind;

/* A case of the negative list (负面清单) and its range of points. */
typedef struct kh_neg_case {
    const char *id, *text;
    kh_cp min, max;
} kh_neg_case;

typedef struct kh_item {
    const char *id;
    const char *text;           /* 考核要点 */
    const char *standard;       /* 考核标准; may be NULL */
    const char *provider;       /* department that supplies it; or NULL */
    size_t category;
    bool all_kinds;             /* no `kinds:` given */
    bool *applies;              /* [nkinds]: item applies to kind k */
    kh_term root;               /* a group: the item's max and start */
    size_t nslots;
    const kh_term **slots;      /* input-reading terms, depth-first */
    unsigned line, col;         /* where its id was written */
} kh_item;

struct kh_rubric {
    kh_arena *arena;            /* owns every string and array below */
    const char *id, *title, *document;
    kh_cp base_max, bonus_max;
    unsigned bottom_n;
    kh_na_mode na_mode;
    const char *bonus_text, *bonus_standard;       /* may be NULL */
    const char *negative_text, *negative_standard; /* may be NULL */
    size_t nkinds;
    kh_kind *kinds;
    size_t nrankings;
    kh_ranking *rankings;
    size_t ncats;
    kh_category *cats;
    size_t nitems;
    kh_item *items;
    size_t *item_order;         /* item indices sorted by id, for find */
    size_t nbkinds;
    kh_bonus_kind *bkinds;      /* bonus.kinds, file order */
    size_t ncases;
    kh_neg_case *cases;         /* negative.cases, file order */
    const char *negative_provider;  /* may be NULL */
    size_t nproviders;
    const char **providers;     /* distinct providers, first-use order */
};

#endif
