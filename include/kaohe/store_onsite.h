/*
 * kaohe/store_onsite.h - the on-site inspection (issue 13 sections 1-3):
 * visits (实地检查安排), symposium records (座谈会记录), interview
 * records (个别访谈记录) and their findings, which link what was heard
 * to one rubric item of the visited unit.
 *
 * Rules the store enforces (docs/ONSITE.md): one visit per year and
 * unit; its team (a lead and members) are inspectors assigned to at
 * least one unit of that year, each named once; visits are planned while
 * the year is draft, self_check or inspection; records and findings are
 * written while it is inspection or review; an interview's interviewer
 * and recorder are two different members of the team, and it ends after
 * it starts.  Every refused value is reported with the field it names
 * (Chinese text) and nothing is written; each accepted write appends its
 * audit record in the same transaction.
 *
 * Times are China local time written "YYYY-MM-DD HH:MM"; dates
 * YYYY-MM-DD.
 *
 * Memory: strings passed in are borrowed for the call; strings in
 * callback rows are borrowed for the duration of the callback only.
 */
#ifndef KAOHE_STORE_ONSITE_H
#define KAOHE_STORE_ONSITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kaohe/buf.h"
#include "kaohe/error.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of the on-site records (bytes unless said). */
#define KH_ONSITE_SHORT_MAX 200      /* places, names, labels */
#define KH_ONSITE_LONG_MAX 20000     /* outlines, minutes, summaries */
#define KH_ONSITE_MEMBERS_MAX 20     /* members of a team besides the lead */
#define KH_ONSITE_GROUPS_MAX 20      /* attendee groups of a symposium */
#define KH_ONSITE_COUNT_MAX 10000    /* people in one attendee group */
#define KH_ONSITE_TIME_SZ 17         /* "2025-12-10 09:30" + NUL */

/* The methods of a visit, as bits. */
enum {
    KH_METHOD_SYMPOSIUM = 1,         /* 座谈会 */
    KH_METHOD_DOCUMENTS = 2,         /* 查阅资料 */
    KH_METHOD_QUESTIONNAIRE = 4,     /* 问卷 */
    KH_METHOD_INTERVIEW = 8,         /* 个别访谈 */
    KH_METHOD_ALL = 15
};
/* Parses a comma-separated list of method names (symposium, documents,
 * questionnaire, interview, or their Chinese labels; "" is none) into
 * bits; an unknown name is an error at `path`. */
kh_status kh_methods_parse(const char *s, const char *path, unsigned *out,
                           kh_err *e);
/* The methods' Chinese labels joined with "、" into buf ("无" for none). */
void kh_methods_label(unsigned bits, char *buf, size_t sz);

/* Checks "YYYY-MM-DD HH:MM" (a real date and time); error at path. */
kh_status kh_onsite_time_check(const char *s, const char *path, kh_err *e);

/* A visit as written.  For kh_store_visit_set a NULL string keeps the
 * stored value, members are replaced when set_members, methods when
 * set_planned / set_used. */
typedef struct kh_visit_spec {
    int year;                  /* add only */
    const char *unit;          /* add only */
    const char *at;            /* "YYYY-MM-DD HH:MM" */
    const char *place;
    const char *lead;          /* user name of the team's lead */
    const char *const *members;/* user names, the lead excluded */
    size_t nmembers;
    bool set_members, set_planned, set_used;
    unsigned planned, used;    /* KH_METHOD_ bits */
    bool refused;              /* the caller found bad values already:
                                * check the rest, write nothing */
} kh_visit_spec;

/* Plans a visit; *id (may be NULL) gets its id.  A second visit of the
 * same unit and year is KH_ECONFLICT. */
kh_status kh_store_visit_add(kh_store *s, const char *actor,
                             const kh_visit_spec *v, int64_t *id, kh_err *e);
/* Changes visit id. */
kh_status kh_store_visit_set(kh_store *s, const char *actor, int64_t id,
                             const kh_visit_spec *v, kh_err *e);
/* Removes a visit that has no records yet (KH_ESTATE otherwise). */
kh_status kh_store_visit_remove(kh_store *s, const char *actor, int64_t id,
                                kh_err *e);

typedef struct kh_visit_row {
    int64_t id;
    int year;
    const char *unit, *unit_name;
    const char *at, *place;
    const char *lead;          /* the lead's display name (or login) */
    const char *members;       /* display names joined by ", " ("" none) */
    unsigned planned, used;
} kh_visit_row;
typedef kh_status (*kh_visit_fn)(void *ctx, const kh_visit_row *row);
/* Calls fn for the visits of a year by time then unit; only those whose
 * team holds `inspector` (NULL: all), of `unit` (NULL: all), or visit
 * `id` (0: all). */
kh_status kh_store_visit_each(kh_store *s, int year, const char *inspector,
                              const char *unit, int64_t id, kh_visit_fn fn,
                              void *ctx, kh_err *e);
/* A person a picker offers: the login (the form's value) and the name
 * shown (the display name, else the login). */
typedef struct kh_person_row {
    const char *login, *name;
} kh_person_row;
typedef kh_status (*kh_person_fn)(void *ctx, const kh_person_row *row);
/* The year's inspectors (enabled, assigned to a unit of the year: who
 * may be in a team), by name. */
kh_status kh_store_year_inspectors(kh_store *s, int year, kh_person_fn fn,
                                   void *ctx, kh_err *e);
/* Visit id's team, the lead first, then the members in order. */
kh_status kh_store_visit_team_each(kh_store *s, int64_t id, kh_person_fn fn,
                                   void *ctx, kh_err *e);
/* True in *in when user is the lead or a member of visit id's team. */
kh_status kh_store_visit_in_team(kh_store *s, int64_t id, const char *user,
                                 bool *in, kh_err *e);

/* Corrections (docs/ONSITE.md, "Corrections"): a symposium or
 * interview record, or a finding, is corrected - or a finding removed -
 * by the user who wrote it or by an admin (KH_EPERM otherwise), while
 * the year is inspection or review (KH_ESTATE), with the checks of
 * adding it (KH_EINVAL, messages at the field, nothing written); an
 * unknown id is KH_ENOTFOUND at "id".  Audited symposium.set,
 * interview.set, finding.set and finding.remove with the row before and
 * after (an interviewee's name only as "named").  visit (0: any) must be
 * the record's visit, else it is "not found" (a team reaches only its
 * own visit).  A record stays with its visit (spec->visit is not used). */
struct kh_symposium_spec;
struct kh_interview_spec;
kh_status kh_store_symposium_set(kh_store *s, const char *actor,
                                 bool admin, int64_t visit, int64_t id,
                                 const struct kh_symposium_spec *sp,
                                 kh_err *e);
kh_status kh_store_interview_set(kh_store *s, const char *actor,
                                 bool admin, int64_t visit, int64_t id,
                                 const struct kh_interview_spec *sp,
                                 kh_err *e);

/* A symposium record (座谈会记录). */
typedef struct kh_symposium_spec {
    int64_t visit;
    const char *date, *place, *host, *recorder;
    const char *const *group_labels; /* 教师, 学生 … (free labels) */
    const int *group_counts;
    size_t ngroups;
    const char *outline, *minutes;
    bool refused;              /* as kh_visit_spec.refused */
} kh_symposium_spec;
kh_status kh_store_symposium_add(kh_store *s, const char *actor,
                                 const kh_symposium_spec *sp, int64_t *id,
                                 kh_err *e);

/* An interview record (个别访谈记录). */
typedef struct kh_interview_spec {
    int64_t visit;
    const char *category;      /* 分管领导, 支部书记, 教师, 学生 … */
    const char *name;          /* the interviewee, or NULL */
    const char *interviewer, *recorder;  /* two members of the team */
    const char *starts, *ends; /* "YYYY-MM-DD HH:MM" */
    const char *place, *summary;
} kh_interview_spec;
kh_status kh_store_interview_add(kh_store *s, const char *actor,
                                 const kh_interview_spec *sp, int64_t *id,
                                 kh_err *e);

typedef enum kh_finding_dir {
    KH_FINDING_PLAIN = 0,
    KH_FINDING_GOOD,           /* 亮点 */
    KH_FINDING_PROBLEM         /* 问题 */
} kh_finding_dir;
/* Parses "", "good"/"亮点", "problem"/"问题". */
kh_status kh_finding_dir_parse(const char *s, const char *path,
                               kh_finding_dir *out, kh_err *e);
const char *kh_finding_dir_label(kh_finding_dir d); /* "" 亮点 问题 */

/* Corrects a finding's item, direction and text; removes a finding (as
 * the corrections above). */
kh_status kh_store_finding_set(kh_store *s, const char *actor,
                               bool admin, int64_t visit, int64_t id,
                               const char *item,
                               kh_finding_dir dir, const char *text,
                               kh_err *e);
kh_status kh_store_finding_remove(kh_store *s, const char *actor,
                                  bool admin, int64_t visit, int64_t id,
                                  kh_err *e);
/* Adds a finding to a record: source "symposium" or "interview", the
 * record's id, an item of the rubric that applies to the visited unit.
 * visit (0: any) must be the record's visit, else the record is "not
 * found" (a caller allowed on one visit reaches no other). */
kh_status kh_store_finding_add(kh_store *s, const char *actor, int64_t visit,
                               const char *source, int64_t record,
                               const char *item, kh_finding_dir dir,
                               const char *text, int64_t *id, kh_err *e);

typedef struct kh_finding_row {
    int64_t id;
    const char *source;        /* "symposium" or "interview" */
    int64_t record;
    const char *item;
    kh_finding_dir dir;
    const char *text;
    const char *date;          /* the record's day */
} kh_finding_row;
typedef kh_status (*kh_finding_fn)(void *ctx, const kh_finding_row *row);
/* The findings on one item of a unit of a year (item NULL: all), by
 * record day then id. */
kh_status kh_store_finding_each(kh_store *s, int year, const char *unit,
                                const char *item, kh_finding_fn fn,
                                void *ctx, kh_err *e);

/* Who reads the records of a visit (kh_store_onsite_report). */
typedef enum kh_onsite_reader {
    KH_ONSITE_NAMES = 0,       /* admin, auditor: interviewees' names */
    KH_ONSITE_NO_NAMES,        /* inspector: no names */
    KH_ONSITE_NO_INTERVIEWS    /* unit user: no interview records */
} kh_onsite_reader;
/* The records of visit id with their findings, as text for people
 * (Chinese), appended to out.  When names are shown and an interview
 * names its interviewee, an "interview.read" audit record naming actor
 * is written first (in its own transaction): every read of a name is
 * audited. */
kh_status kh_store_onsite_report(kh_store *s, const char *actor, int64_t id,
                                 kh_onsite_reader who, kh_buf *out,
                                 kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
