/*
 * store_schema.c - the schema of the store as numbered migrations.
 *
 * Migration N is applied once and then PRAGMA user_version = N.  SQL is
 * kept portable (TEXT/INTEGER/BLOB columns, no AUTOINCREMENT, no SQLite
 * functions) so a PostgreSQL backend can take the same statements.
 * Scores are INTEGER centipoints.  Migration 2 is reserved for users,
 * evidence and follow-up (see kaohe/store.h).
 */
#include <stddef.h>

#include "store_impl.h"

/* 1: the core. */
static const char mig1[] =
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);"
    /* A rubric version: id + SHA-256 of its file text, kept byte for byte. */
    "CREATE TABLE rubric ("
    "  id INTEGER PRIMARY KEY,"
    "  rubric_id TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  source BLOB NOT NULL,"
    "  file_name TEXT,"
    "  imported_at TEXT NOT NULL,"
    "  imported_by TEXT NOT NULL,"
    "  UNIQUE (rubric_id, sha256));"
    "CREATE TABLE year ("
    "  year INTEGER PRIMARY KEY,"
    "  rubric INTEGER NOT NULL REFERENCES rubric(id),"
    "  state TEXT NOT NULL CHECK (state IN ('draft','self_check',"
    "    'inspection','review','published','closed')),"
    "  opened_at TEXT NOT NULL,"
    "  opened_by TEXT NOT NULL);"
    /* Results frozen when a year is published. */
    "CREATE TABLE snapshot ("
    "  year INTEGER NOT NULL REFERENCES year(year),"
    "  format TEXT NOT NULL CHECK (format IN ('json','table','csv')),"
    "  body BLOB NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  made_at TEXT NOT NULL,"
    "  PRIMARY KEY (year, format));"
    /* Branch names given explicitly (others are derived, DESIGN.md). */
    "CREATE TABLE branch ("
    "  year INTEGER NOT NULL REFERENCES year(year),"
    "  id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  PRIMARY KEY (year, id));"
    "CREATE TABLE unit ("
    "  year INTEGER NOT NULL REFERENCES year(year),"
    "  id TEXT NOT NULL,"
    "  pos INTEGER NOT NULL,"          /* input order */
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"            /* rubric kind id */
    "  branch TEXT NOT NULL,"          /* = id when its own branch */
    "  PRIMARY KEY (year, id));"
    "CREATE TABLE entry ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  item TEXT NOT NULL,"
    "  phase TEXT NOT NULL CHECK (phase IN ('self','inspection')),"
    "  inputs TEXT NOT NULL,"          /* JSON object: input -> value */
    "  note TEXT,"
    "  version INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  updated_by TEXT NOT NULL,"
    "  UNIQUE (year, unit, item, phase),"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id) ON DELETE CASCADE);"
    /* A year's range of row ids, for reading its entries in one scan. */
    "CREATE INDEX entry_year_id ON entry (year, id);"
    "CREATE TABLE roster ("
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  roster TEXT NOT NULL,"
    "  pos INTEGER NOT NULL,"
    "  person TEXT NOT NULL,"
    "  value INTEGER NOT NULL,"        /* centipoints */
    "  PRIMARY KEY (year, unit, roster, pos),"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id) ON DELETE CASCADE);"
    "CREATE TABLE bonus ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  points INTEGER NOT NULL CHECK (points > 0),"
    "  reason TEXT,"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id) ON DELETE CASCADE);"
    "CREATE INDEX bonus_unit ON bonus (year, unit);"
    "CREATE TABLE negative ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  points INTEGER NOT NULL CHECK (points > 0),"
    "  reason TEXT,"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id) ON DELETE CASCADE);"
    "CREATE INDEX negative_unit ON negative (year, unit);"
    /* The audit log; no foreign keys so it outlives what it describes. */
    "CREATE TABLE audit ("
    "  seq INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  year INTEGER,"
    "  unit TEXT,"
    "  object TEXT,"
    "  old_value TEXT,"
    "  new_value TEXT,"
    "  reason TEXT,"
    "  prev TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE INDEX audit_year_unit ON audit (year, unit);"
    /* The chain's head, to notice records removed from the end. */
    "INSERT INTO meta (key, value) VALUES ('audit_head',"
    "  '0 0000000000000000000000000000000000000000000000000000000000000000');";

/* 2: users and roles, evidence files, follow-up of the bottom units
 * (lib/store/store_users.c, lib/store/store_evidence.c, lib/store/store_followup.c). */
static const char mig2[] =
    /* Passwords only as crypto_pwhash_str strings (argon2id). */
    "CREATE TABLE app_user ("
    "  name TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','inspector','unit',"
    "    'auditor')),"
    "  unit TEXT,"                     /* unit id, for role unit only */
    "  pwhash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
    "  created_at TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  CHECK ((role = 'unit') = (unit IS NOT NULL)));"
    /* Inspectors per year and unit.  No key to unit: a units import in
     * draft replaces the year's unit rows, which must not silently drop
     * the assignments of units that stay. */
    "CREATE TABLE user_assign ("
    "  user_name TEXT NOT NULL REFERENCES app_user(name),"
    "  year INTEGER NOT NULL REFERENCES year(year),"
    "  unit TEXT NOT NULL,"
    "  PRIMARY KEY (user_name, year, unit));"
    /* Content-addressed files under <db>.data/evidence/ab/<sha256>. */
    "CREATE TABLE evidence ("
    "  sha256 TEXT PRIMARY KEY,"
    "  size INTEGER NOT NULL CHECK (size >= 0),"
    "  type TEXT NOT NULL CHECK (type IN ('pdf','jpg','png','docx','xlsx',"
    "    'doc','xls')),"
    "  name TEXT NOT NULL,"            /* file name at first upload */
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL);"
    "CREATE TABLE entry_evidence ("
    "  entry INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,"
    "  sha256 TEXT NOT NULL REFERENCES evidence(sha256),"
    "  name TEXT NOT NULL,"            /* file name as attached */
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  PRIMARY KEY (entry, sha256));"
    "CREATE INDEX entry_evidence_hash ON entry_evidence (sha256);"
    /* 提醒谈话 with a bottom unit of a published year. */
    "CREATE TABLE followup_talk ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  talk_date TEXT NOT NULL,"       /* YYYY-MM-DD */
    "  talked_by TEXT NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id));"
    "CREATE INDEX followup_talk_unit ON followup_talk (year, unit);"
    /* 整改意见: open until closed on a date, with optional evidence. */
    "CREATE TABLE followup_item ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  deadline TEXT NOT NULL,"        /* YYYY-MM-DD */
    "  status TEXT NOT NULL CHECK (status IN ('open','done')),"
    "  evidence TEXT REFERENCES evidence(sha256),"
    "  closed_date TEXT,"              /* YYYY-MM-DD when done */
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  closed_at TEXT,"                /* when the closing was recorded */
    "  closed_by TEXT,"
    "  CHECK ((status = 'done') = (closed_date IS NOT NULL)),"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id));"
    "CREATE INDEX followup_item_unit ON followup_item (year, unit);"
    /* 有效做法和特色经验, any unit of a year. */
    "CREATE TABLE practice ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id));"
    "CREATE INDEX practice_unit ON practice (year, unit);";

/* 3: the audit head when a year's results were frozen (the snapshot's
 * metadata, checked by kaohe check; lib/store/store_year.c). */
static const char mig3[] =
    "ALTER TABLE snapshot ADD COLUMN audit_head TEXT;";
/* 4 (issue 14): a year's document settings (发文机关, 文号,
 * 主送, 抄送, 印发机关, 成文日期), one row per key set; absent keys take
 * the defaults of include/kaohe/store_docset.h. */
static const char mig4[] =
    "CREATE TABLE year_docset ("
    "  year INTEGER NOT NULL REFERENCES year(year),"
    "  name TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  PRIMARY KEY (year, name));";
/* 5: questionnaires, rounds, one-time codes and anonymous responses
 * (issue 13 section 4, lib/store/store_survey.c, docs/SURVEY.md). */
static const char mig5[] =
    /* A questionnaire version: id + SHA-256 of its file text. */
    "CREATE TABLE questionnaire ("
    "  id INTEGER PRIMARY KEY,"
    "  q_id TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  source BLOB NOT NULL,"
    "  file_name TEXT,"
    "  imported_at TEXT NOT NULL,"
    "  imported_by TEXT NOT NULL,"
    "  UNIQUE (q_id, sha256));"
    "CREATE TABLE q_round ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL REFERENCES year(year),"
    "  questionnaire INTEGER NOT NULL REFERENCES questionnaire(id),"
    "  audience TEXT NOT NULL,"
    "  min_responses INTEGER NOT NULL CHECK (min_responses >= 1),"
    "  opens_at TEXT,"                 /* UTC time stamp; NULL: at once */
    "  closes_at TEXT,"                /* NULL: until closed */
    "  closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),"
    "  opened_at TEXT NOT NULL,"
    "  opened_by TEXT NOT NULL);"
    "CREATE TABLE q_round_unit ("
    "  round INTEGER NOT NULL REFERENCES q_round(id),"
    "  unit TEXT NOT NULL,"
    "  pos INTEGER NOT NULL,"
    "  PRIMARY KEY (round, unit));"
    /* Only the code's SHA-256, and no time of use. */
    "CREATE TABLE q_code ("
    "  hash TEXT PRIMARY KEY,"
    "  round INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  used INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),"
    "  FOREIGN KEY (round, unit) REFERENCES q_round_unit(round, unit));"
    "CREATE INDEX q_code_round ON q_code (round, unit);"
    /* No link to a code: round, unit, day and channel only. */
    "CREATE TABLE q_response ("
    "  id INTEGER PRIMARY KEY,"
    "  round INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  day TEXT NOT NULL,"             /* YYYY-MM-DD, China time */
    "  channel TEXT NOT NULL CHECK (channel IN ('web','paper')),"
    "  answers TEXT NOT NULL,"         /* JSON object: question -> answer */
    "  FOREIGN KEY (round, unit) REFERENCES q_round_unit(round, unit));"
    "CREATE INDEX q_response_round ON q_response (round, unit);";

/* 6: the web server's sessions and login throttle counters, shared by
 * every `kaohe serve` instance of the store (issue 10 item 3,
 * lib/store/store_session.c).  Only the SHA-256 of a session id is kept:
 * a copy of the database hands out no live session. */
static const char mig6[] =
    "CREATE TABLE web_session ("
    "  id_hash TEXT PRIMARY KEY,"
    "  csrf TEXT NOT NULL,"
    "  user_name TEXT NOT NULL,"
    "  role INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"      /* unix seconds */
    "  seen INTEGER NOT NULL);"
    "CREATE INDEX web_session_user ON web_session (user_name, created);"
    "CREATE TABLE web_throttle ("
    "  tkey TEXT PRIMARY KEY,"
    "  fails INTEGER NOT NULL,"
    "  first_at INTEGER NOT NULL,"     /* start of the window */
    "  lock_seq INTEGER NOT NULL);"
    "CREATE INDEX web_throttle_first ON web_throttle (first_at);";

/* 7: the on-site inspection - visits, their teams, symposium and
 * interview records and their findings (issue 13 sections 1-3,
 * lib/store/store_onsite.c, docs/ONSITE.md). */
static const char mig7[] =
    "CREATE TABLE visit ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL REFERENCES year(year),"
    "  unit TEXT NOT NULL,"
    "  starts_at TEXT NOT NULL,"       /* YYYY-MM-DD HH:MM, China time */
    "  place TEXT NOT NULL,"
    "  lead TEXT NOT NULL REFERENCES app_user(name),"
    "  planned INTEGER NOT NULL,"      /* KH_METHOD_ bits */
    "  used INTEGER NOT NULL,"
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  UNIQUE (year, unit),"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id));"
    "CREATE TABLE visit_member ("
    "  visit INTEGER NOT NULL REFERENCES visit(id),"
    "  user_name TEXT NOT NULL REFERENCES app_user(name),"
    "  pos INTEGER NOT NULL,"
    "  PRIMARY KEY (visit, user_name));"
    "CREATE TABLE symposium ("
    "  id INTEGER PRIMARY KEY,"
    "  visit INTEGER NOT NULL REFERENCES visit(id),"
    "  held_on TEXT NOT NULL,"
    "  place TEXT NOT NULL,"
    "  host TEXT NOT NULL,"
    "  recorder TEXT NOT NULL,"
    "  attendees TEXT NOT NULL,"       /* "教师 12；学生 30" */
    "  outline TEXT NOT NULL,"
    "  minutes TEXT NOT NULL,"
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL);"
    "CREATE TABLE interview ("
    "  id INTEGER PRIMARY KEY,"
    "  visit INTEGER NOT NULL REFERENCES visit(id),"
    "  category TEXT NOT NULL,"
    "  person TEXT,"                   /* NULL: not named */
    "  interviewer TEXT NOT NULL,"
    "  recorder TEXT NOT NULL,"
    "  starts TEXT NOT NULL,"
    "  ends TEXT NOT NULL,"
    "  place TEXT NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  CHECK (interviewer <> recorder),"
    "  CHECK (ends > starts));"
    "CREATE TABLE finding ("
    "  id INTEGER PRIMARY KEY,"
    "  visit INTEGER NOT NULL REFERENCES visit(id),"
    "  source TEXT NOT NULL CHECK (source IN ('symposium','interview')),"
    "  record INTEGER NOT NULL,"
    "  item TEXT NOT NULL,"
    "  direction INTEGER NOT NULL CHECK (direction IN (0, 1, 2)),"
    "  body TEXT NOT NULL,"
    "  day TEXT NOT NULL,"
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL);"
    "CREATE INDEX finding_visit ON finding (visit, item);";

/* 8: the year's schedule (docs/SCHEDULE.md): its dates, the units'
 * self-check submissions and the users' inboxes. */
static const char mig8[] =
    "CREATE TABLE year_dates ("
    "  year INTEGER PRIMARY KEY REFERENCES year(year),"
    "  selfcheck_due TEXT NOT NULL,"   /* YYYY-MM-DD, China days */
    "  inspect_from TEXT NOT NULL,"
    "  inspect_to TEXT NOT NULL,"
    "  review_due TEXT NOT NULL,"
    "  publish TEXT NOT NULL,"
    "  set_at TEXT NOT NULL,"
    "  set_by TEXT NOT NULL);"
    /* One row per unit that submitted at least once; returned = the
     * admin sent it back (unlocked) with reason. */
    "CREATE TABLE selfcheck ("
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('submitted','returned')),"
    "  report TEXT NOT NULL,"          /* 自查报告 */
    "  scan TEXT REFERENCES evidence(sha256),"
    "  submitted_at TEXT NOT NULL,"
    "  submitted_by TEXT NOT NULL,"
    "  returns INTEGER NOT NULL DEFAULT 0,"
    "  reason TEXT,"                   /* the last return's */
    "  returned_at TEXT,"
    "  returned_by TEXT,"
    "  PRIMARY KEY (year, unit),"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id) ON DELETE CASCADE);"
    /* A user's messages; key makes a derived reminder idempotent. */
    "CREATE TABLE inbox ("
    "  id INTEGER PRIMARY KEY,"
    "  user_name TEXT NOT NULL REFERENCES app_user(name),"
    "  year INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  msg_key TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  link TEXT,"
    "  made_at TEXT NOT NULL,"
    "  read_at TEXT,"
    "  mailed_at TEXT,"
    "  UNIQUE (user_name, msg_key));"
    "CREATE INDEX inbox_unread ON inbox (user_name, read_at);";


/* 9: bonus claims, the negative list's catalogue case, department
 * scorers (issue 12 section 2, docs/CLAIMS.md; lib/store/store_claims.c,
 * store_users.c).  The role check of app_user is widened by
 * kh_db_widen_check after this text (kh_store_migration_hooks). */
static const char mig9[] =
    "ALTER TABLE app_user ADD COLUMN provider TEXT"
    "  CHECK ((role = 'department') = (provider IS NOT NULL));"
    "ALTER TABLE negative ADD COLUMN case_id TEXT;"  /* negative.cases id */
    "ALTER TABLE negative ADD COLUMN evidence TEXT REFERENCES evidence(sha256);"
    "CREATE TABLE claim ("
    "  id INTEGER PRIMARY KEY,"
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"            /* bonus kind id of the rubric */
    "  description TEXT NOT NULL,"
    "  evidence TEXT REFERENCES evidence(sha256),"
    "  state TEXT NOT NULL CHECK (state IN ('pending','approved',"
    "    'rejected')),"
    "  points INTEGER CHECK (points > 0),"  /* centipoints, approved */
    "  reason TEXT,"
    "  bonus INTEGER,"                 /* the bonus record it became */
    "  filed_at TEXT NOT NULL,"
    "  filed_by TEXT NOT NULL,"
    "  decided_at TEXT,"
    "  decided_by TEXT,"
    "  CHECK ((state = 'approved') = (points IS NOT NULL)),"
    "  CHECK (state <> 'rejected' OR reason IS NOT NULL),"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id) ON DELETE CASCADE);"
    "CREATE INDEX claim_unit ON claim (year, unit);";

/* Run after migration 9's text: app_user's role may be 'department'. */
static int mig9_roles(kh_db *db)
{
    return kh_db_widen_check(db, "app_user", "app_user_role_check",
                             "'auditor'))",
                             "'auditor','department'))",
                             "CHECK (role IN ('admin','inspector','unit',"
                             "'auditor','department'))");
}


/* 10: the rectification loop with the unit in it (issue 12 section 3):
 * whom a reminder talk was with, and the units' rectification reports
 * (整改报告) on their items, each accepted (销号) or returned with a
 * reason; every report is kept (lib/store/store_followup.c). */
static const char mig10[] =
    "ALTER TABLE followup_talk ADD COLUMN talked_to TEXT;"
    "CREATE TABLE followup_report ("
    "  id INTEGER PRIMARY KEY,"
    "  item INTEGER NOT NULL REFERENCES followup_item(id),"
    "  text TEXT NOT NULL,"
    "  evidence TEXT REFERENCES evidence(sha256),"
    "  status TEXT NOT NULL"
    "   CHECK (status IN ('submitted','accepted','returned')),"
    "  reason TEXT,"                   /* why it was returned */
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  decided_at TEXT,"
    "  decided_by TEXT,"
    "  CHECK ((status = 'returned') = (reason IS NOT NULL)),"
    "  CHECK ((status = 'submitted') = (decided_at IS NULL)));"
    "CREATE INDEX followup_report_item ON followup_report (item);";



/* Migration 8: users' display names, and what the inspector did with a
 * questionnaire's suggested judgement (issue 13, the rubric's `source:`; docs/SURVEY.md): one row
 * per inspection input, kept or overridden with a reason, and the
 * figure behind the suggestion as it was when decided.  Figures and
 * values are hundredths (kh_cp). */
static const char mig11[] =
    "CREATE TABLE judgement_source ("
    "  year INTEGER NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  item TEXT NOT NULL,"
    "  input TEXT NOT NULL,"
    "  decision TEXT NOT NULL CHECK (decision IN ('kept','overridden')),"
    "  round INTEGER NOT NULL REFERENCES q_round(id),"
    "  responses INTEGER NOT NULL CHECK (responses >= 0),"
    "  figure INTEGER NOT NULL,"
    "  suggested INTEGER NOT NULL,"
    "  value INTEGER NOT NULL,"
    "  reason TEXT,"
    "  decided_at TEXT NOT NULL,"
    "  decided_by TEXT NOT NULL,"
    "  PRIMARY KEY (year, unit, item, input),"
    "  CHECK ((decision = 'kept' AND reason IS NULL AND value = suggested)"
    "      OR (decision = 'overridden' AND reason IS NOT NULL"
    "          AND value <> suggested)),"
    "  FOREIGN KEY (year, unit) REFERENCES unit(year, id));"
    /* The name people see for a user (issue 13: pickers and teams show
     * names, not logins); NULL shows the login. */
    "ALTER TABLE app_user ADD COLUMN display_name TEXT;";


/* 12: the files filed with a bonus claim (issue 12: a claim carries its
 * own upload; lib/store/store_claims.c, docs/CLAIMS.md): stored evidence
 * linked to the claim, each under the name it was uploaded with. */
static const char mig12[] =
    "CREATE TABLE claim_evidence ("
    "  claim INTEGER NOT NULL REFERENCES claim(id) ON DELETE CASCADE,"
    "  sha256 TEXT NOT NULL REFERENCES evidence(sha256),"
    "  name TEXT NOT NULL,"            /* file name as uploaded */
    "  pos INTEGER NOT NULL,"          /* order on the form */
    "  added_at TEXT NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  PRIMARY KEY (claim, sha256));"
    "CREATE INDEX claim_evidence_hash ON claim_evidence (sha256);";

const char *const kh_store_migrations[] = {mig1, mig2, mig3, mig4, mig5,
                                           mig6, mig7, mig8, mig9, mig10,
                                           mig11, mig12};
int (*const kh_store_migration_hooks[])(kh_db *db) = {
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, mig9_roles, NULL, NULL,
    NULL};
const size_t kh_store_migration_count =
    sizeof kh_store_migrations / sizeof kh_store_migrations[0];
