/*
 * store_backup.c - online backup and restore of a store: the database
 * through SQLite's online backup API (a consistent copy while other
 * connections write), the evidence files the copy references (content
 * addressed, so copying them after the database is safe), each
 * hash-verified, and a manifest of every file's size and SHA-256.
 *
 * Both sides work through a temporary name and a rename, so a backup
 * directory or a restored store either is complete or does not exist.
 * The engine's backup call is the driver's (kh_db_backup_to).  A store on
 * PostgreSQL is read in one REPEATABLE READ snapshot into a SQLite file
 * of the same format (kh_store_copy_rows), so that restore and check read
 * either; it is restored into an empty PostgreSQL database (or a file)
 * by the store copy the other way (kh_store_copy).
 */
#define _XOPEN_SOURCE 700   /* nftw */
#include "store_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_MAGIC "kaohe-backup 1"
#define COPY_CHUNK 65536
/* A source busy (WAL recovery by another connection) is retried this
 * many times, 50 ms apart. */
#define BACKUP_BUSY_TRIES 100

/* ---- files --------------------------------------------------------- */

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* The directory part of path ("." when none); malloc'd. */
static char *dir_of(const char *path)
{
    const char *sl = strrchr(path, '/');
    if (!sl)
        return strdup(".");
    if (sl == path)
        return strdup("/");
    return strndup(path, (size_t)(sl - path));
}

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *f)
{
    (void)sb;
    (void)f;
    return flag == FTW_DP ? rmdir(p) : unlink(p);
}

/* Removes a directory tree we made (best effort: only on failure). */
static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static kh_status make_dir(const char *p, kh_err *e)
{
    if (mkdir(p, 0750) == 0 || errno == EEXIST)
        return KH_OK;
    return kh_err_fail(e, KH_EDB, "%s: cannot make directory: %s", p,
                       strerror(errno));
}

/* Copies from to to (created; must not exist), fsyncs it, and gives its
 * SHA-256 and size.  Read failures are KH_EIO, write failures KH_EDB. */
static kh_status copy_file(const char *from, const char *to,
                           char hex[KH_STORE_HEX_SZ], int64_t *size,
                           kh_err *e)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return kh_err_fail(e, KH_EIO, "%s: cannot open: %s", from,
                           strerror(errno));
    int out = to ? open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)
                 : -1;
    if (to && out < 0) {
        kh_status rc = kh_err_fail(e, KH_EDB, "%s: cannot create: %s", to,
                                   strerror(errno));
        close(in);
        return rc;
    }
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char *buf = malloc(COPY_CHUNK);
    kh_status rc = buf ? KH_OK : kh_err_fail(e, KH_ENOMEM, "out of memory");
    int64_t total = 0;
    ssize_t n = 0;
    while (rc == KH_OK && (n = read(in, buf, COPY_CHUNK)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = kh_err_fail(e, KH_EIO, "%s: cannot read: %s", from,
                             strerror(errno));
            break;
        }
        crypto_hash_sha256_update(&h, buf, (size_t)n);
        total += n;
        for (ssize_t off = 0; to && off < n && rc == KH_OK;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                rc = kh_err_fail(e, KH_EDB, "%s: cannot write: %s", to,
                                 strerror(w < 0 ? errno : ENOSPC));
            else
                off += w;
        }
    }
    free(buf);
    close(in);
    if (to && rc == KH_OK && fsync(out) != 0)
        rc = kh_err_fail(e, KH_EDB, "%s: cannot write: %s", to,
                         strerror(errno));
    if (to && close(out) != 0 && rc == KH_OK)
        rc = kh_err_fail(e, KH_EDB, "%s: cannot write: %s", to,
                         strerror(errno));
    if (rc != KH_OK) {
        if (to)
            unlink(to);
        return rc;
    }
    unsigned char bin[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, bin);
    sodium_bin2hex(hex, KH_STORE_HEX_SZ, bin, sizeof bin);
    *size = total;
    return KH_OK;
}

/* ---- backup -------------------------------------------------------- */

/* A PostgreSQL store into the new SQLite store path: made as by `kaohe
 * init`, then every row as of one snapshot of the source (servers keep
 * writing meanwhile). */
static kh_status backup_pg(kh_store *s, const char *path, kh_err *e)
{
    kh_store *c = NULL;
    kh_status rc = kh_store_open(path, KH_STORE_CREATE, e, &c);
    kh_store_copy_counts n;
    if (rc == KH_OK)
        rc = kh_store_copy_rows(s, c, &n, e);
    kh_store_close(c);
    return rc;
}

/* The database, online: one backup step copies every page inside one
 * read transaction, so the copy is the store as of one commit while
 * other connections keep writing (WAL readers do not block writers). */
static kh_status backup_db(kh_store *s, const char *path, kh_err *e)
{
    if (kh_store_is_postgres(s))
        return backup_pg(s, path, e);
    char msg[256];
    int rc = kh_db_backup_to(s->db, path, BACKUP_BUSY_TRIES, msg, sizeof msg);
    if (rc == KH_DB_OK)
        return KH_OK;
    return kh_err_fail(e, rc == KH_DB_NOMEM ? KH_ENOMEM : KH_EDB,
                       "%s: backup failed: %s", path, msg);
}

/* Copies one evidence file into dir/evidence/ab/HASH, checking that its
 * content still has its name's hash. */
static kh_status backup_evidence(kh_store *s, const char *dir,
                                 const char *hash, kh_buf *manifest,
                                 kh_err *e)
{
    char *from = NULL, *sub = NULL, *to = NULL;
    kh_status rc = KH_OK;
    if (asprintf(&from, "%s/evidence/%.2s/%s", kh_store_data_dir(s), hash,
                 hash) < 0 ||
        asprintf(&sub, "%s/evidence/%.2s", dir, hash) < 0 ||
        asprintf(&to, "%s/%s", sub, hash) < 0)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    char got[KH_STORE_HEX_SZ];
    int64_t size = 0;
    if (rc == KH_OK && (rc = make_dir(sub, e)) == KH_OK &&
        (rc = copy_file(from, to, got, &size, e)) == KH_OK &&
        strcmp(got, hash) != 0)
        rc = kh_err_fail(e, KH_EDB,
                         "evidence %s: the stored file is damaged (its "
                         "SHA-256 is %s); run kaohe check",
                         hash, got);
    if (rc == KH_OK)
        kh_buf_printf(manifest, "file evidence/%.2s/%s %" PRId64 " %s\n",
                      hash, hash, size, hash);
    free(from);
    free(sub);
    free(to);
    return rc;
}

/* The copy's audit head and evidence files, read from the copy itself so
 * that the files match the database exactly. */
static kh_status backup_files(kh_store *s, const char *dir, const char *db,
                              kh_buf *manifest, size_t *nfiles, kh_err *e)
{
    kh_store *c = NULL;
    kh_status rc = kh_store_open(db, 0, e, &c);
    if (rc != KH_OK)
        return rc;
    char head[KH_AUDIT_HEAD_SZ];
    if ((rc = kh_store_audit_head(c, head, e)) == KH_OK)
        kh_buf_printf(manifest, "schema %d\naudit_head %s\n",
                      kh_store_version(c), head);
    char *evdir = NULL;
    if (rc == KH_OK && asprintf(&evdir, "%s/evidence", dir) < 0)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_db_stmt *st;
    if (rc == KH_OK && (rc = make_dir(evdir, e)) == KH_OK)
        rc = kh_store_stmt(c, "SELECT sha256 FROM evidence ORDER BY sha256",
                           &st, e);
    free(evdir);
    int step = KH_DB_DONE;
    while (rc == KH_OK && (step = kh_db_step(st)) == KH_DB_ROW) {
        rc = backup_evidence(s, dir, kh_store_col_str(st, 0), manifest, e);
        ++*nfiles;
    }
    if (rc == KH_OK && step != KH_DB_DONE)
        rc = kh_store_db_fail(c, e, "reading the evidence list");
    kh_store_close(c);
    return rc;
}

/* Writes the manifest as dir/MANIFEST (fsynced). */
static kh_status write_manifest(const char *dir, const kh_buf *m, kh_err *e)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, KH_BACKUP_MANIFEST) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    bool ok = fd >= 0 && write(fd, m->data, m->len) == (ssize_t)m->len &&
              fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    kh_status rc = ok ? KH_OK
                      : kh_err_fail(e, KH_EDB, "%s: cannot write: %s", path,
                                    strerror(errno));
    free(path);
    return rc;
}

static kh_status backup_into(kh_store *s, const char *tmp, kh_buf *report,
                             kh_err *e)
{
    char *db = NULL;
    if (asprintf(&db, "%s/%s", tmp, KH_BACKUP_DB) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_buf m;
    kh_buf_init(&m, 0);
    char now[KH_STORE_TIME_SZ], hash[KH_STORE_HEX_SZ];
    kh_store_now(s, now);
    kh_buf_printf(&m, MANIFEST_MAGIC "\nmade %s\n", now);
    size_t nfiles = 0;
    int64_t size = 0;
    kh_status rc = backup_db(s, db, e);
    if (rc == KH_OK)
        rc = backup_files(s, tmp, db, &m, &nfiles, e);
    /* Hash the database last: opening it above must not change it after. */
    if (rc == KH_OK && (rc = copy_file(db, NULL, hash, &size, e)) == KH_OK)
        kh_buf_printf(&m, "file %s %" PRId64 " %s\n", KH_BACKUP_DB, size,
                      hash);
    if (rc == KH_OK && (rc = kh_buf_status(&m)) == KH_OK)
        rc = write_manifest(tmp, &m, e);
    if (rc == KH_OK)
        kh_buf_printf(report,
                      "备份完成：数据库 %" PRId64 " 字节，证据文件 %zu 个\n",
                      size, nfiles);
    kh_buf_free(&m);
    free(db);
    return rc;
}

/* Whether dir is a directory with nothing in it (the rename of the
 * finished backup replaces it). */
static bool empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool empty = true;
    for (struct dirent *de; empty && (de = readdir(d));)
        empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
    closedir(d);
    return empty;
}

kh_status kh_store_backup_to(kh_store *s, const char *dir, kh_buf *report,
                             kh_err *e)
{
    if (!kh_store_data_dir(s) && kh_store_is_postgres(s))
        return kh_err_at(e, 0, 0, "--data-dir",
                         "a store on PostgreSQL keeps its evidence files in "
                         "a data directory: give --data-dir DIR or "
                         "$KAOHE_DATA_DIR");
    if (!kh_store_data_dir(s))
        return kh_err_fail(e, KH_ESTATE, "an in-memory store has no backup");
    struct stat sb;
    if (lstat(dir, &sb) == 0 && !(S_ISDIR(sb.st_mode) && empty_dir(dir)))
        return kh_err_at(e, 0, 0, "--to",
                         "%s exists and is not an empty directory; a "
                         "backup goes to a new directory (e.g. one named "
                         "by the date)",
                         dir);
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp-XXXXXX", dir) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (!mkdtemp(tmp)) {
        kh_status rc = kh_err_fail(e, KH_EDB, "%s: cannot make directory: %s",
                                   dir, strerror(errno));
        free(tmp);
        return rc;
    }
    kh_status rc = backup_into(s, tmp, report, e);
    char *parent = dir_of(dir);
    if (rc == KH_OK && rename(tmp, dir) != 0)
        rc = kh_err_fail(e, KH_EDB, "%s: cannot rename the finished backup: "
                         "%s", dir, strerror(errno));
    if (rc == KH_OK && parent)
        sync_dir(parent);
    if (rc != KH_OK)
        rm_tree(tmp);
    free(parent);
    free(tmp);
    return rc;
}

/* ---- restore ------------------------------------------------------- */

typedef struct bk_file {
    char *name;                /* relative to the backup directory */
    int64_t size;
    char hash[KH_STORE_HEX_SZ];
} bk_file;

typedef struct bk_manifest {
    bk_file *v;
    size_t n;
    char head[KH_AUDIT_HEAD_SZ];
} bk_manifest;

static void manifest_free(bk_manifest *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].name);
    free(m->v);
}

/* A name the manifest may list: kaohe.db or evidence/ab/HASH. */
static bool safe_name(const char *n)
{
    if (strcmp(n, KH_BACKUP_DB) == 0)
        return true;
    if (strncmp(n, "evidence/", 9) != 0 || strlen(n) != 9 + 3 + 64 ||
        n[11] != '/' || strncmp(n + 9, n + 12, 2) != 0)
        return false;
    for (const char *p = n + 12; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static kh_status manifest_line(bk_manifest *m, char *line, unsigned ln,
                               kh_err *e)
{
    char name[200], hash[KH_STORE_HEX_SZ + 1];
    long long size;
    if (strncmp(line, "audit_head ", 11) == 0) {
        snprintf(m->head, sizeof m->head, "%s", line + 11);
        return KH_OK;
    }
    if (strncmp(line, "file ", 5) != 0)
        return KH_OK;   /* made, schema: for people */
    if (sscanf(line, "file %199s %lld %65s", name, &size, hash) != 3 ||
        !safe_name(name) || size < 0 || strlen(hash) != 64)
        return kh_err_at(e, ln, 1, NULL, "not a manifest line: %s", line);
    bk_file *nv = realloc(m->v, (m->n + 1) * sizeof *nv);
    if (!nv)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    m->v = nv;
    bk_file *f = &m->v[m->n];
    if (!(f->name = strdup(name)))
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    f->size = size;
    memcpy(f->hash, hash, KH_STORE_HEX_SZ);
    m->n++;
    return KH_OK;
}

static kh_status read_manifest(const char *dir, bk_manifest *m, kh_err *e)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, KH_BACKUP_MANIFEST) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_buf b;
    kh_buf_init(&b, 0);
    kh_status rc = kh_buf_read_file(&b, path, e);
    kh_err_set_file(e, path);
    char *text = rc == KH_OK ? (char *)kh_buf_str(&b) : NULL;
    if (rc == KH_OK && strncmp(text, MANIFEST_MAGIC "\n",
                               sizeof MANIFEST_MAGIC) != 0)
        rc = kh_err_at(e, 1, 1, NULL, "not a kaohe backup manifest");
    unsigned ln = 1;
    for (char *p = text; rc == KH_OK && p && *p; ln++) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        rc = manifest_line(m, p, ln, e);
        p = nl ? nl + 1 : NULL;
    }
    bool has_db = false;
    for (size_t i = 0; i < m->n; i++)
        has_db |= strcmp(m->v[i].name, KH_BACKUP_DB) == 0;
    if (rc == KH_OK && !has_db)
        rc = kh_err_at(e, ln, 1, NULL, "the manifest lists no %s",
                       KH_BACKUP_DB);
    kh_err_set_file(e, NULL);
    kh_buf_free(&b);
    free(path);
    return rc;
}

/* Checks one listed file of the backup (to NULL) or copies it to `to`;
 * either way its size and SHA-256 must be the manifest's. */
static kh_status check_copy(const char *dir, const bk_file *f, const char *to,
                            kh_err *e)
{
    char *from = NULL;
    if (asprintf(&from, "%s/%s", dir, f->name) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    char got[KH_STORE_HEX_SZ];
    int64_t size = 0;
    kh_status rc = copy_file(from, to, got, &size, e);
    if (rc == KH_OK && (size != f->size || strcmp(got, f->hash) != 0)) {
        rc = kh_err_fail(e, KH_EINVAL,
                         "%s: damaged (size or SHA-256 differs from the "
                         "manifest)",
                         from);
        if (to)
            unlink(to);
    }
    free(from);
    return rc;
}

/* Evidence file f into data/evidence/ab/HASH (through a temporary name;
 * one already there with the right content is kept). */
static kh_status restore_evidence(const char *dir, const bk_file *f,
                                  const char *data, kh_err *e)
{
    char *sub = NULL, *to = NULL, *tmp = NULL;
    if (asprintf(&sub, "%s/evidence/%.2s", data, f->hash) < 0 ||
        asprintf(&to, "%s/%s", sub, f->hash) < 0 ||
        asprintf(&tmp, "%s.restore", to) < 0) {
        free(sub);
        free(to);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    char *ev = dir_of(sub);
    kh_status rc = ev ? KH_OK : kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (rc == KH_OK && (rc = make_dir(data, e)) == KH_OK &&
        (rc = make_dir(ev, e)) == KH_OK && (rc = make_dir(sub, e)) == KH_OK) {
        unlink(tmp);
        rc = check_copy(dir, f, tmp, e);
        if (rc == KH_OK && rename(tmp, to) != 0)
            rc = kh_err_fail(e, KH_EDB, "%s: cannot write: %s", to,
                             strerror(errno));
        if (rc == KH_OK)
            sync_dir(sub);
    }
    free(ev);
    free(sub);
    free(to);
    free(tmp);
    return rc;
}

/* The database into db through db.restore-XXXXXX, then renamed over it
 * (a stale -wal of the old store is removed first: it would be replayed
 * into the restored one). */
static kh_status restore_db(const char *dir, const bk_file *f, const char *db,
                            kh_err *e)
{
    char *tmp = NULL, *wal = NULL, *shm = NULL;
    if (asprintf(&tmp, "%s.restore-XXXXXX", db) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    int fd = mkstemp(tmp);
    kh_status rc = KH_OK;
    if (fd < 0)
        rc = kh_err_fail(e, KH_EDB, "%s: cannot create: %s", db,
                         strerror(errno));
    else
        close(fd), unlink(tmp);
    if (rc == KH_OK)
        rc = check_copy(dir, f, tmp, e);
    if (rc == KH_OK && (asprintf(&wal, "%s-wal", db) < 0 ||
                        asprintf(&shm, "%s-shm", db) < 0))
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    if (rc == KH_OK) {
        unlink(wal);
        unlink(shm);
        if (rename(tmp, db) != 0)
            rc = kh_err_fail(e, KH_EDB, "%s: cannot write: %s", db,
                             strerror(errno));
    }
    if (rc != KH_OK)
        unlink(tmp);
    char *parent = dir_of(db);
    if (rc == KH_OK && parent)
        sync_dir(parent);
    free(parent);
    free(tmp);
    free(wal);
    free(shm);
    return rc;
}

/* The backup's database (checked again as it is copied) into a private
 * temporary file: opening a SQLite file may write to it, and the backup
 * directory stays as it was (it may be read-only).  *tmpdir and *path
 * are malloc'd; the caller removes the tree. */
static kh_status restore_scratch(const char *dir, const bk_file *f,
                                 char **tmpdir, char **path, kh_err *e)
{
    *path = NULL;
    if (asprintf(tmpdir, "%s/kaohe-restore-XXXXXX", P_tmpdir) < 0) {
        *tmpdir = NULL;
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    if (!mkdtemp(*tmpdir)) {
        kh_status rc = kh_err_fail(e, KH_EDB, "%s: cannot make directory: "
                                   "%s", *tmpdir, strerror(errno));
        free(*tmpdir);
        *tmpdir = NULL;
        return rc;
    }
    if (asprintf(path, "%s/%s", *tmpdir, KH_BACKUP_DB) < 0) {
        *path = NULL;
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    return check_copy(dir, f, *path, e);
}

/* Restores into the PostgreSQL database uri, which must hold nothing
 * (made here as by `kaohe init` when it has no tables): the backup's
 * SQLite database is copied into it row for row in one transaction, the
 * evidence files (read from dir/evidence, hash-checked) into data. */
static kh_status restore_pg(const char *dir, const bk_file *f,
                            const char *uri, const char *data, kh_err *e)
{
    char *tmpdir = NULL, *path = NULL;
    kh_store *from = NULL, *to = NULL;
    kh_status rc = restore_scratch(dir, f, &tmpdir, &path, e);
    if (rc == KH_OK && (rc = kh_store_open(path, 0, e, &from)) == KH_OK)
        rc = kh_store_set_data_dir(from, dir, e);
    if (rc == KH_OK && (rc = kh_store_open(uri, KH_STORE_CREATE, e, &to)) ==
                           KH_OK)
        rc = kh_store_set_data_dir(to, data, e);
    kh_store_copy_counts n;
    if (rc == KH_OK)
        rc = kh_store_copy(from, to, "restore", &n, e);
    kh_store_close(from);
    kh_store_close(to);
    if (tmpdir)
        rm_tree(tmpdir);
    free(tmpdir);
    free(path);
    return rc;
}

/* Restores into the file db: evidence first, the database last. */
static kh_status restore_file(const char *dir, const bk_manifest *m,
                              const char *db, const char *data, kh_err *e)
{
    kh_status rc = KH_OK;
    for (size_t i = 0; i < m->n && rc == KH_OK; i++)
        if (strcmp(m->v[i].name, KH_BACKUP_DB) != 0)
            rc = restore_evidence(dir, &m->v[i], data, e);
    for (size_t i = 0; i < m->n && rc == KH_OK; i++)
        if (strcmp(m->v[i].name, KH_BACKUP_DB) == 0)
            rc = restore_db(dir, &m->v[i], db, e);
    return rc;
}

/* The refusals that come before the backup is read. */
static kh_status restore_target_ok(const char *db, const char *data_dir,
                                   bool force, kh_err *e)
{
    struct stat sb;
    if (!kh_db_is_uri(db)) {
        if (!force && lstat(db, &sb) == 0)
            return kh_err_at(e, 0, 0, "--db",
                             "%s exists; restore does not overwrite a store "
                             "(stop the server, then use --force)",
                             db);
        return KH_OK;
    }
    if (force)
        return kh_err_at(e, 0, 0, "--force",
                         "a PostgreSQL database is never replaced: restore "
                         "into an empty database (createdb)");
    if (!data_dir || !*data_dir)
        return kh_err_at(e, 0, 0, "--data-dir",
                         "a store on PostgreSQL keeps its evidence files in "
                         "a data directory: give --data-dir DIR or "
                         "$KAOHE_DATA_DIR");
    return KH_OK;
}

kh_status kh_store_restore_from(const char *dir, const char *db,
                                const char *data_dir, bool force,
                                kh_buf *report, kh_err *e)
{
    kh_status rc = restore_target_ok(db, data_dir, force, e);
    if (rc != KH_OK)
        return rc;
    bk_manifest m = {0};
    rc = read_manifest(dir, &m, e);
    /* Every file is checked before anything is written. */
    for (size_t i = 0; i < m.n && rc == KH_OK; i++)
        rc = check_copy(dir, &m.v[i], NULL, e);
    char *data = NULL;
    if (rc == KH_OK && data_dir && *data_dir)
        data = strdup(data_dir);
    else if (rc == KH_OK && asprintf(&data, "%s.data", db) < 0)
        data = NULL;
    if (rc == KH_OK && !data)
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
    size_t nev = 0;
    for (size_t i = 0; i < m.n && rc == KH_OK; i++)
        if (strcmp(m.v[i].name, KH_BACKUP_DB) != 0)
            nev++;
    for (size_t i = 0; i < m.n && rc == KH_OK && kh_db_is_uri(db); i++)
        if (strcmp(m.v[i].name, KH_BACKUP_DB) == 0)
            rc = restore_pg(dir, &m.v[i], db, data, e);
    if (rc == KH_OK && !kh_db_is_uri(db))
        rc = restore_file(dir, &m, db, data, e);
    if (rc == KH_OK)
        kh_buf_printf(report,
                      "恢复完成：%s（证据文件 %zu 个），审计日志头 %s\n",
                      kh_db_is_uri(db) ? "PostgreSQL" : db, nev,
                      m.head[0] ? m.head : "?");
    free(data);
    manifest_free(&m);
    return rc;
}
