/*
 * store_evidence.c - evidence files: recognising their type by content
 * (magic numbers; ZIP entries through libzip for .docx/.xlsx; the
 * compound-file directory for .doc/.xls), storing them content-addressed
 * and durably under <db>.data/evidence/, linking them to entries, reading
 * them back with their hash checked, and re-verifying them all.
 */
#include "store_impl.h"
#include "kaohe/store_evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

static const char *const type_names[] = {"pdf", "jpg", "png", "docx",
                                         "xlsx", "doc", "xls"};
#define NTYPES (sizeof type_names / sizeof type_names[0])

/* What people are told is allowed. */
#define ALLOWED_TEXT                                                      \
    "allowed are PDF, JPEG, PNG, Word (.docx, .doc) and Excel (.xlsx, "  \
    ".xls)"

const char *kh_evidence_type_name(kh_evidence_type t)
{
    return (size_t)t < NTYPES ? type_names[t] : "?";
}

static bool type_parse(const char *s, kh_evidence_type *out)
{
    for (size_t i = 0; s && i < NTYPES; i++) {
        if (strcmp(s, type_names[i]) == 0) {
            *out = (kh_evidence_type)i;
            return true;
        }
    }
    return false;
}

/* ---- recognising the type ------------------------------------------ */

static bool starts(const unsigned char *d, size_t len, const void *magic,
                   size_t n)
{
    return len >= n && memcmp(d, magic, n) == 0;
}

/* What a ZIP archive holds: 'w' Word, 'x' Excel, 'p' PowerPoint, 'z' any
 * other archive, 0 a damaged one. */
static char zip_kind(const void *data, size_t len)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    if (!src) {
        zip_error_fini(&zerr);
        return 0;
    }
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    zip_error_fini(&zerr);
    if (!za) {
        zip_source_free(src);
        return 0;
    }
    char k = 'z';
    if (zip_name_locate(za, "word/document.xml", 0) >= 0)
        k = 'w';
    else if (zip_name_locate(za, "xl/workbook.xml", 0) >= 0)
        k = 'x';
    else if (zip_name_locate(za, "ppt/presentation.xml", 0) >= 0)
        k = 'p';
    zip_discard(za);
    return k;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* An OLE2 compound file (MS-CFB) is a little FAT file system; Word and
 * Excel files are told apart by the streams in its directory. */
typedef struct cfb {
    const unsigned char *d;
    size_t len;
    unsigned shift;      /* sector size = 1 << shift */
    uint32_t *fat_secs;  /* the FAT's sectors, from the DIFAT */
    size_t nfat;
} cfb;

#define CFB_END 0xFFFFFFFAu  /* this and above: end of chain, free, ... */

/* Offset of sector n, or 0 when it is outside the file. */
static size_t cfb_sector(const cfb *c, uint32_t n)
{
    if (n >= CFB_END)
        return 0;
    size_t ssz = (size_t)1 << c->shift;
    size_t off = ((size_t)n + 1) << c->shift;
    if (off / ssz != (size_t)n + 1 || off > c->len || c->len - off < ssz)
        return 0;
    return off;
}

/* The sector after n in its chain, or CFB_END. */
static uint32_t cfb_next(const cfb *c, uint32_t n)
{
    size_t per = ((size_t)1 << c->shift) / 4;
    size_t k = n / per;
    if (k >= c->nfat)
        return CFB_END;
    size_t off = cfb_sector(c, c->fat_secs[k]);
    if (!off)
        return CFB_END;
    return le32(c->d + off + (n % per) * 4);
}

/* Reads the DIFAT (109 entries in the header, then a chain of DIFAT
 * sectors) into c->fat_secs.  False when malformed or out of memory. */
static bool cfb_load_fat(cfb *c)
{
    uint32_t nfat = le32(c->d + 0x2C);
    size_t max_secs = c->len >> c->shift;
    if (nfat == 0 || nfat > max_secs)
        return false;
    c->fat_secs = malloc((size_t)nfat * sizeof *c->fat_secs);
    if (!c->fat_secs)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < 109 && n < nfat; i++)
        c->fat_secs[n++] = le32(c->d + 0x4C + 4 * i);
    uint32_t dif = le32(c->d + 0x44);
    size_t per = ((size_t)1 << c->shift) / 4 - 1;
    for (size_t hops = 0; n < nfat && hops <= max_secs; hops++) {
        size_t off = cfb_sector(c, dif);
        if (!off)
            return false;
        for (size_t i = 0; i < per && n < nfat; i++)
            c->fat_secs[n++] = le32(c->d + off + 4 * i);
        dif = le32(c->d + off + 4 * per);
    }
    c->nfat = n;
    return n == nfat;
}

/* True when a directory entry (128 bytes) names stream `name` (ASCII,
 * compared without case, as the format does). */
static bool cfb_entry_is(const unsigned char *ent, const char *name)
{
    size_t n = strlen(name);
    uint16_t nlen = le16(ent + 0x40);   /* bytes, with the final NUL */
    if (ent[0x42] != 2 || nlen != 2 * (n + 1))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned ch = le16(ent + 2 * i);
        unsigned a = (unsigned char)name[i];
        if (ch >= 'a' && ch <= 'z')
            ch -= 32;
        if (a >= 'a' && a <= 'z')
            a -= 32;
        if (ch != a)
            return false;
    }
    return true;
}

/* 'w' Word, 'x' Excel, 'p' PowerPoint, 'o' another compound file, 0 a
 * damaged one. */
static char cfb_kind(const unsigned char *d, size_t len)
{
    if (len < 512)
        return 0;
    cfb c = {.d = d, .len = len, .shift = le16(d + 0x1E)};
    if (c.shift != 9 && c.shift != 12)
        return 0;
    if (!cfb_load_fat(&c)) {
        free(c.fat_secs);
        return 0;
    }
    char k = 'o';
    uint32_t sec = le32(d + 0x30);
    size_t ssz = (size_t)1 << c.shift, max_secs = len >> c.shift;
    /* Bounded walk: a cyclic chain cannot loop forever. */
    for (size_t hops = 0; sec < CFB_END && hops <= max_secs && k == 'o';
         hops++) {
        size_t off = cfb_sector(&c, sec);
        if (!off) {
            k = 0;
            break;
        }
        for (size_t i = 0; i + 128 <= ssz && k == 'o'; i += 128) {
            const unsigned char *ent = d + off + i;
            if (cfb_entry_is(ent, "WordDocument"))
                k = 'w';
            else if (cfb_entry_is(ent, "Workbook") ||
                     cfb_entry_is(ent, "Book"))
                k = 'x';
            else if (cfb_entry_is(ent, "PowerPoint Document"))
                k = 'p';
        }
        sec = cfb_next(&c, sec);
    }
    free(c.fat_secs);
    return k;
}

/* True when the first bytes look like text (UTF-8, no controls but
 * tab/CR/LF). */
static bool looks_text(const unsigned char *d, size_t len)
{
    size_t n = len < 512 ? len : 512;
    for (size_t i = 0; i < n; i++)
        if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\r' && d[i] != '\n') ||
            d[i] == 0x7F)
            return false;
    return n > 0;
}

/* A description of content that is not allowed, for the message. */
static const char *describe(const unsigned char *d, size_t len)
{
    if (starts(d, len, "MZ", 2))
        return "a Windows program (.exe/.dll)";
    if (starts(d, len, "\x7f" "ELF", 4))
        return "a Linux program (ELF)";
    if (starts(d, len, "#!", 2))
        return "a script";
    if (starts(d, len, "Rar!", 4))
        return "a RAR archive";
    if (starts(d, len, "7z\xBC\xAF\x27\x1C", 6))
        return "a 7-Zip archive";
    if (starts(d, len, "\x1f\x8b", 2))
        return "a gzip archive";
    if (starts(d, len, "GIF8", 4))
        return "a GIF image";
    if (starts(d, len, "RIFF", 4) && len >= 12 && memcmp(d + 8, "WEBP", 4) == 0)
        return "a WebP image";
    if (starts(d, len, "{\\rtf", 5))
        return "an RTF document";
    if (looks_text(d, len)) {
        size_t i = 0;
        while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' ||
                           d[i] == '\n'))
            i++;
        if (i < len && d[i] == '<')
            return "HTML or XML text";
        return "plain text";
    }
    return "binary data of an unknown kind";
}

/* The lower-case extension of name ("pdf"), or "" (into buf). */
static void name_ext(const char *name, char *buf, size_t sz)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    buf[0] = '\0';
    if (!dot || strlen(dot + 1) >= sz)
        return;
    size_t i = 0;
    for (const char *p = dot + 1; *p; p++)
        buf[i++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    buf[i] = '\0';
}

static kh_status refuse(kh_err *e, const char *name, const char *what)
{
    char ext[8];
    name_ext(name, ext, sizeof ext);
    if (strcmp(ext, "jpeg") == 0)
        strcpy(ext, "jpg");
    kh_evidence_type t;
    if (type_parse(ext, &t))
        return kh_err_fail(e, KH_EINVAL,
                           "%s: not accepted as evidence: the name says "
                           ".%s but the content is %s; %s",
                           name, ext, what, ALLOWED_TEXT);
    return kh_err_fail(e, KH_EINVAL,
                       "%s: not accepted as evidence: the content is %s; %s",
                       name, what, ALLOWED_TEXT);
}

kh_status kh_evidence_sniff(const char *name, const void *data, size_t len,
                            kh_evidence_type *out, kh_err *e)
{
    const unsigned char *d = data;
    if (len == 0)
        return kh_err_fail(e, KH_EINVAL,
                           "%s: not accepted as evidence: the file is empty",
                           name);
    if (starts(d, len, "%PDF-", 5)) {
        *out = KH_EVIDENCE_PDF;
        return KH_OK;
    }
    if (starts(d, len, "\xFF\xD8\xFF", 3)) {
        *out = KH_EVIDENCE_JPG;
        return KH_OK;
    }
    if (starts(d, len, "\x89PNG\r\n\x1a\n", 8)) {
        *out = KH_EVIDENCE_PNG;
        return KH_OK;
    }
    if (starts(d, len, "PK\x03\x04", 4)) {
        switch (zip_kind(data, len)) {
        case 'w':
            *out = KH_EVIDENCE_DOCX;
            return KH_OK;
        case 'x':
            *out = KH_EVIDENCE_XLSX;
            return KH_OK;
        case 'p':
            return refuse(e, name, "a PowerPoint presentation (.pptx)");
        case 'z':
            return refuse(e, name,
                          "a ZIP archive that is neither a Word (.docx) nor "
                          "an Excel (.xlsx) document");
        default:
            return refuse(e, name, "a damaged ZIP archive");
        }
    }
    if (starts(d, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
        switch (cfb_kind(d, len)) {
        case 'w':
            *out = KH_EVIDENCE_DOC;
            return KH_OK;
        case 'x':
            *out = KH_EVIDENCE_XLS;
            return KH_OK;
        case 'p':
            return refuse(e, name, "a PowerPoint presentation (.ppt)");
        case 'o':
            return refuse(e, name,
                          "an OLE2 compound file that is neither a Word "
                          "(.doc) nor an Excel (.xls) document (an .msi "
                          "installer or an Outlook message, perhaps)");
        default:
            return refuse(e, name, "a damaged OLE2 compound file");
        }
    }
    return refuse(e, name, describe(d, len));
}

/* ---- files on disk ------------------------------------------------- */

/* The last component of a path. */
static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b && b[1] ? b + 1 : path;
}

/* A file name to store: at most 255 bytes, a name by the rule of
 * kaohe/name.h. */
static kh_status check_file_name(const char *name, kh_err *e)
{
    size_t n = strlen(name);
    if (n == 0 || n > 255)
        return kh_err_fail(e, KH_EINVAL,
                           "evidence file name must have 1 to 255 bytes");
    return kh_text_check(e, 0, 0, "file", name, KH_TEXT_NAME, SIZE_MAX);
}

/* "<data dir>/evidence/ab" (dir) and "<dir>/<hash>" (file); malloc'd. */
static kh_status evidence_paths(kh_store *s, const char *hash, char **dir,
                                char **file, kh_err *e)
{
    *dir = *file = NULL;
    const char *dd = kh_store_data_dir(s);
    if (!dd)
        return kh_err_fail(e, KH_ESTATE,
                           "evidence files need a store in a file, not an "
                           "in-memory one");
    if (asprintf(dir, "%s/evidence/%.2s", dd, hash) < 0) {
        *dir = NULL;
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    if (asprintf(file, "%s/%s", *dir, hash) < 0) {
        *file = NULL;
        free(*dir);
        *dir = NULL;
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    return KH_OK;
}

/* fsync a directory, so an entry made in it survives a crash. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Why the system refused to write the store's data: a full disk (or
 * quota, or file size limit) is answered apart from an I/O error. */
static kh_cause errno_cause(int err)
{
    return err == ENOSPC || err == EDQUOT || err == EFBIG ? KH_CAUSE_FULL
                                                          : KH_CAUSE_IO;
}

/* Makes dir (and its parents down from the data directory), syncing the
 * parent of each directory made. */
static kh_status make_dirs(const char *dir, kh_err *e)
{
    char *p = strdup(dir);
    if (!p)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    kh_status rc = KH_OK;
    /* Walk the components; only the last three can be new (data dir,
     * evidence, ab), but creating from the top is simplest. */
    for (char *q = p + 1;; q++) {
        if (*q != '/' && *q != '\0')
            continue;
        char c = *q;
        *q = '\0';
        if (mkdir(p, 0750) == 0) {
            char *slash = strrchr(p, '/');
            if (slash && slash != p) {
                *slash = '\0';
                sync_dir(p);
                *slash = '/';
            }
        } else if (errno != EEXIST) {
            int err = errno;
            rc = kh_err_fail(e, KH_EDB, "%s: cannot make directory: %s", p,
                             strerror(err));
            kh_err_set_cause(e, errno_cause(err));
            break;
        }
        *q = c;
        if (c == '\0')
            break;
    }
    free(p);
    return rc;
}

/* Writes data to file through a temporary file in dir: write, fsync,
 * rename, fsync the directory.  Failing to write the store's own data
 * (disk full, I/O error) is KH_EDB, a storage failure (exit 3), not
 * invalid input. */
static kh_status write_durable(const char *dir, const char *file,
                               const void *data, size_t len, kh_err *e)
{
    kh_status rc = make_dirs(dir, e);
    if (rc != KH_OK)
        return rc;
    char *tmp = NULL;
    if (asprintf(&tmp, "%s/.tmp-XXXXXX", dir) < 0)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        rc = kh_err_fail(e, KH_EDB, "%s: cannot create a file: %s", dir,
                         strerror(err));
        kh_err_set_cause(e, errno_cause(err));
        free(tmp);
        return rc;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;   /* nothing written: no room */
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    int err = left > 0 ? errno : 0;
    if (!err && fchmod(fd, 0640) != 0)
        err = errno;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, file) != 0)
        err = errno;
    if (!err && sync_dir(dir) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        rc = kh_err_fail(e, KH_EDB, "%s: cannot write: %s", file,
                         strerror(err));
        kh_err_set_cause(e, errno_cause(err));
    }
    free(tmp);
    return rc;
}

/* Hashes the file at path into hex; *size gets its size.  errno-style
 * failure: returns false. */
static bool hash_file(const char *path, char hex[KH_EVIDENCE_HASH_SZ],
                      int64_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char buf[65536];
    size_t n;
    int64_t total = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        crypto_hash_sha256_update(&h, buf, n);
        total += (int64_t)n;
    }
    bool ok = !ferror(f);
    fclose(f);
    unsigned char bin[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, bin);
    sodium_bin2hex(hex, KH_EVIDENCE_HASH_SZ, bin, sizeof bin);
    *size = total;
    return ok;
}

/* ---- storing ------------------------------------------------------- */

/* Refused input like a disguised file, hence KH_EINVAL. */
static kh_status bad_size(kh_err *e, const char *name, size_t max)
{
    return kh_err_fail(e, KH_EINVAL,
                       "%s: too large for evidence: the limit is %zu MiB "
                       "(%zu bytes)",
                       name, max >> 20, max);
}

kh_status kh_store_evidence_put(kh_store *s, const char *actor,
                                const char *name, const void *data,
                                size_t len, size_t max_size,
                                char hash[KH_EVIDENCE_HASH_SZ], kh_err *e)
{
    if (max_size == 0)
        max_size = KH_EVIDENCE_MAX_DEFAULT;
    const char *base = base_name(name);
    kh_status rc = check_file_name(base, e);
    if (rc != KH_OK)
        return rc;
    if (len > max_size)
        return bad_size(e, name, max_size);
    kh_evidence_type type;
    if ((rc = kh_evidence_sniff(name, data, len, &type, e)) != KH_OK)
        return rc;
    char hex[KH_STORE_HEX_SZ];
    kh_store_sha256_hex(data, len, hex);
    char *dir = NULL, *file = NULL;
    if ((rc = evidence_paths(s, hex, &dir, &file, e)) != KH_OK)
        return rc;
    if ((rc = kh_store_begin(s, e)) != KH_OK)
        goto out;
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s, "SELECT 1 FROM evidence WHERE sha256 = ?", &st,
                            e)) != KH_OK)
        goto fail;
    kh_store_bind_str(st, 1, hex);
    int step = kh_db_step(st);
    kh_db_reset(st);
    if (step != KH_DB_ROW && step != KH_DB_DONE) {
        rc = kh_store_db_fail(s, e, "reading evidence");
        goto fail;
    }
    bool known = step == KH_DB_ROW;
    /* Content known or not, a missing or damaged copy is written again. */
    char have[KH_EVIDENCE_HASH_SZ];
    int64_t have_size = -1;
    if (!hash_file(file, have, &have_size) || have_size != (int64_t)len ||
        strcmp(have, hex) != 0) {
        if ((rc = write_durable(dir, file, data, len, e)) != KH_OK)
            goto fail;
    }
    if (!known) {
        char at[KH_STORE_TIME_SZ];
        kh_store_now(s, at);
        if ((rc = kh_store_stmt(s,
                                "INSERT INTO evidence (sha256, size, type,"
                                " name, added_at, added_by)"
                                " VALUES (?, ?, ?, ?, ?, ?)",
                                &st, e)) != KH_OK)
            goto fail;
        kh_store_bind_str(st, 1, hex);
        kh_db_bind_int64(st, 2, (int64_t)len);
        kh_store_bind_str(st, 3, type_names[type]);
        kh_store_bind_str(st, 4, base);
        kh_store_bind_str(st, 5, at);
        kh_store_bind_str(st, 6, actor);
        if ((rc = kh_store_exec(s, st, e, "storing evidence")) != KH_OK)
            goto fail;
        char *val = NULL;
        if (asprintf(&val, "%s (%s, %zu bytes)", base, type_names[type],
                     len) < 0) {
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
            goto fail;
        }
        kh_audit_rec a = {.actor = actor, .action = "evidence.add",
                          .object = hex, .new_value = val};
        rc = kh_store_audit(s, &a, e);
        free(val);
        if (rc != KH_OK)
            goto fail;
    }
    if ((rc = kh_store_commit(s, e)) != KH_OK)
        goto out;
    if (hash)
        memcpy(hash, hex, KH_EVIDENCE_HASH_SZ);
    goto out;
fail:
    kh_store_rollback(s);
out:
    free(dir);
    free(file);
    return rc;
}

kh_status kh_store_evidence_put_file(kh_store *s, const char *actor,
                                     const char *path, size_t max_size,
                                     char hash[KH_EVIDENCE_HASH_SZ],
                                     kh_err *e)
{
    if (max_size == 0)
        max_size = KH_EVIDENCE_MAX_DEFAULT;
    FILE *f = fopen(path, "rb");
    if (!f)
        return kh_err_fail(e, KH_EIO, "%s: cannot open: %s", path,
                           strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return kh_err_fail(e, KH_EIO, "%s: not a regular file", path);
    }
    /* Refused before reading: a huge file costs nothing. */
    if ((uint64_t)sb.st_size > (uint64_t)max_size) {
        fclose(f);
        return bad_size(e, path, max_size);
    }
    size_t len = (size_t)sb.st_size;
    char *data = malloc(len ? len : 1);
    if (!data) {
        fclose(f);
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    }
    size_t got = len ? fread(data, 1, len, f) : 0;
    /* A file that grew meanwhile must still respect the limit. */
    int extra = fgetc(f);
    bool err = ferror(f) || got != len;
    fclose(f);
    kh_status rc;
    if (err)
        rc = kh_err_fail(e, KH_EIO, "%s: cannot read", path);
    else if (extra != EOF)
        rc = kh_err_fail(e, KH_EIO, "%s: changed while being read", path);
    else
        rc = kh_store_evidence_put(s, actor, path, data, len, max_size, hash,
                                   e);
    free(data);
    return rc;
}

/* ---- links to entries ---------------------------------------------- */

/* The row id of an entry; KH_ENOTFOUND with a message when absent. */
static kh_status entry_id(kh_store *s, int year, const char *unit,
                          const char *item, kh_phase phase, int64_t *id,
                          kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s,
                                 "SELECT id FROM entry WHERE year = ? AND"
                                 " unit = ? AND item = ? AND phase = ?",
                                 &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_store_bind_str(st, 2, unit);
    kh_store_bind_str(st, 3, item);
    kh_store_bind_str(st, 4, kh_phase_name(phase));
    int step = kh_db_step(st);
    if (step == KH_DB_ROW)
        *id = kh_db_column_int64(st, 0);
    kh_db_reset(st);
    if (step == KH_DB_ROW)
        return KH_OK;
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading an entry");
    return kh_err_fail(e, KH_ENOTFOUND,
                       "year %d has no %s entry for unit \"%s\", item \"%s\" "
                       "(set it first with 'kaohe entry set')",
                       year, kh_phase_name(phase), unit, item);
}

kh_status kh_store_evidence_attach(kh_store *s, const char *actor, int year,
                                   const char *unit, const char *item,
                                   kh_phase phase, const char *hash,
                                   const char *name, kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    unsigned allowed = phase == KH_PHASE_SELF
                           ? KH_YEAR_BIT(KH_YEAR_SELF_CHECK)
                           : KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                 KH_YEAR_BIT(KH_YEAR_REVIEW);
    char doing[64];
    snprintf(doing, sizeof doing, "adding evidence to a %s entry",
             kh_phase_name(phase));
    int64_t id = 0;
    if ((rc = kh_store_year_require(s, year, allowed, doing, NULL, e)) !=
            KH_OK ||
        (rc = entry_id(s, year, unit, item, phase, &id, e)) != KH_OK)
        goto fail;
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s, "SELECT name FROM evidence WHERE sha256 = ?",
                            &st, e)) != KH_OK)
        goto fail;
    kh_store_bind_str(st, 1, hash);
    int step = kh_db_step(st);
    char *stored = NULL;
    if (step == KH_DB_ROW && !(stored = strdup(kh_store_col_str(st, 0)))) {
        kh_db_reset(st);
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    kh_db_reset(st);
    if (step != KH_DB_ROW) {
        rc = step == KH_DB_DONE
                 ? kh_err_fail(e, KH_ENOTFOUND, "no evidence with hash \"%s\"",
                               hash)
                 : kh_store_db_fail(s, e, "reading evidence");
        goto fail;
    }
    const char *shown = name ? base_name(name) : stored;
    if ((rc = check_file_name(shown, e)) != KH_OK) {
        free(stored);
        goto fail;
    }
    char at[KH_STORE_TIME_SZ];
    kh_store_now(s, at);
    /* Linking the same content again is a no-op, not an error. */
    if ((rc = kh_store_stmt(s,
                            "INSERT INTO entry_evidence (entry, sha256, name,"
                            " added_at, added_by) SELECT ?, ?, ?, ?, ?"
                            " WHERE NOT EXISTS (SELECT 1 FROM entry_evidence"
                            " WHERE entry = ? AND sha256 = ?)",
                            &st, e)) != KH_OK) {
        free(stored);
        goto fail;
    }
    kh_db_bind_int64(st, 1, id);
    kh_store_bind_str(st, 2, hash);
    kh_store_bind_str(st, 3, shown);
    kh_store_bind_str(st, 4, at);
    kh_store_bind_str(st, 5, actor);
    kh_db_bind_int64(st, 6, id);
    kh_store_bind_str(st, 7, hash);
    rc = kh_store_exec(s, st, e, "linking evidence");
    int changed = kh_db_changes(s->db);
    if (rc == KH_OK && changed > 0) {
        char obj[256], *val = NULL;
        snprintf(obj, sizeof obj, "%s/%s/%s", unit, item,
                 kh_phase_name(phase));
        if (asprintf(&val, "%s %s", hash, shown) < 0) {
            val = NULL;
            rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        } else {
            kh_audit_rec a = {.actor = actor, .action = "evidence.attach",
                              .year = year, .unit = unit, .object = obj,
                              .new_value = val};
            rc = kh_store_audit(s, &a, e);
        }
        free(val);
    }
    free(stored);
    if (rc != KH_OK)
        goto fail;
    return kh_store_commit(s, e);
fail:
    kh_store_rollback(s);
    return rc;
}

/* The name entry id's link to hash shows, into *name (caller frees);
 * KH_ENOTFOUND with a message when the entry has no such file. */
static kh_status linked_name(kh_store *s, int64_t id, const char *hash,
                             char **name, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(s, "SELECT name FROM entry_evidence WHERE "
                                    "entry = ? AND sha256 = ?", &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int64(st, 1, id);
    kh_store_bind_str(st, 2, hash);
    int step = kh_db_step(st);
    *name = step == KH_DB_ROW ? strdup(kh_store_col_str(st, 0)) : NULL;
    kh_db_reset(st);
    if (step == KH_DB_DONE)
        return kh_err_fail(e, KH_ENOTFOUND, "this item has no such evidence "
                           "file (removed already?)");
    if (step != KH_DB_ROW)
        return kh_store_db_fail(s, e, "reading evidence");
    return *name ? KH_OK : kh_err_fail(e, KH_ENOMEM, "out of memory");
}

kh_status kh_store_evidence_detach(kh_store *s, const char *actor, int year,
                                   const char *unit, const char *item,
                                   kh_phase phase, const char *hash,
                                   kh_err *e)
{
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    unsigned allowed = phase == KH_PHASE_SELF
                           ? KH_YEAR_BIT(KH_YEAR_SELF_CHECK)
                           : KH_YEAR_BIT(KH_YEAR_INSPECTION) |
                                 KH_YEAR_BIT(KH_YEAR_REVIEW);
    char doing[64], obj[256];
    snprintf(doing, sizeof doing, "removing evidence from a %s entry",
             kh_phase_name(phase));
    int64_t id = 0;
    char *name = NULL, *old = NULL;
    kh_db_stmt *st;
    if ((rc = kh_store_year_require(s, year, allowed, doing, NULL, e)) !=
            KH_OK ||
        (rc = entry_id(s, year, unit, item, phase, &id, e)) != KH_OK ||
        (rc = linked_name(s, id, hash, &name, e)) != KH_OK ||
        (rc = kh_store_stmt(s, "DELETE FROM entry_evidence WHERE entry = ? "
                               "AND sha256 = ?", &st, e)) != KH_OK)
        goto fail;
    kh_db_bind_int64(st, 1, id);
    kh_store_bind_str(st, 2, hash);
    if ((rc = kh_store_exec(s, st, e, "removing evidence")) != KH_OK)
        goto fail;
    snprintf(obj, sizeof obj, "%s/%s/%s", unit, item, kh_phase_name(phase));
    if (asprintf(&old, "%s %s", hash, name) < 0) {
        old = NULL;
        rc = kh_err_fail(e, KH_ENOMEM, "out of memory");
        goto fail;
    }
    kh_audit_rec a = {.actor = actor, .action = "evidence.detach",
                      .year = year, .unit = unit, .object = obj,
                      .old_value = old};
    if ((rc = kh_store_audit(s, &a, e)) != KH_OK)
        goto fail;
    free(name);
    free(old);
    return kh_store_commit(s, e);
fail:
    free(name);
    free(old);
    kh_store_rollback(s);
    return rc;
}

kh_status kh_store_evidence_add(kh_store *s, const char *actor, int year,
                                const char *unit, const char *item,
                                kh_phase phase, const char *path,
                                size_t max_size,
                                char hash[KH_EVIDENCE_HASH_SZ], kh_err *e)
{
    char hex[KH_EVIDENCE_HASH_SZ];
    kh_status rc = kh_store_begin(s, e);
    if (rc != KH_OK)
        return rc;
    if ((rc = kh_store_evidence_put_file(s, actor, path, max_size, hex, e)) !=
            KH_OK ||
        (rc = kh_store_evidence_attach(s, actor, year, unit, item, phase, hex,
                                       path, e)) != KH_OK) {
        kh_store_rollback(s);
        return rc;
    }
    if ((rc = kh_store_commit(s, e)) != KH_OK)
        return rc;
    if (hash)
        memcpy(hash, hex, KH_EVIDENCE_HASH_SZ);
    return KH_OK;
}

/* ---- reading back -------------------------------------------------- */

kh_status kh_store_evidence_resolve(kh_store *s, const char *ref,
                                    char hash[KH_EVIDENCE_HASH_SZ],
                                    kh_err *e)
{
    size_t n = ref ? strlen(ref) : 0;
    char pat[KH_EVIDENCE_HASH_SZ + 1];
    if (n < 4 || n > 64)
        return kh_err_fail(e, KH_EINVAL,
                           "evidence hash \"%s\": give 4 to 64 hex digits",
                           ref ? ref : "");
    for (size_t i = 0; i < n; i++) {
        char c = ref[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c + 32);
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return kh_err_fail(e, KH_EINVAL,
                               "evidence hash \"%s\" is not hexadecimal", ref);
        pat[i] = c;
    }
    pat[n] = '%';
    pat[n + 1] = '\0';
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s, "SELECT sha256 FROM evidence WHERE sha256 LIKE ? ORDER BY sha256"
           " LIMIT 2",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, pat);
    int step, rows = 0;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        if (rows++ == 0) {
            const char *h = kh_store_col_str(st, 0);
            snprintf(hash, KH_EVIDENCE_HASH_SZ, "%s", h ? h : "");
        }
    }
    kh_db_reset(st);
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading evidence");
    if (rows == 0)
        return kh_err_fail(e, KH_ENOTFOUND, "no evidence with hash \"%s\"",
                           ref);
    if (rows > 1)
        return kh_err_fail(e, KH_EINVAL,
                           "evidence hash \"%s\" is ambiguous: give more "
                           "digits",
                           ref);
    return KH_OK;
}

kh_status kh_store_evidence_get(kh_store *s, const char *ref, kh_buf *out,
                                char **name, kh_err *e)
{
    if (name)
        *name = NULL;
    char hash[KH_EVIDENCE_HASH_SZ];
    kh_status rc = kh_store_evidence_resolve(s, ref, hash, e);
    if (rc != KH_OK)
        return rc;
    kh_db_stmt *st;
    if ((rc = kh_store_stmt(s,
                            "SELECT name, size FROM evidence WHERE sha256 = ?",
                            &st, e)) != KH_OK)
        return rc;
    kh_store_bind_str(st, 1, hash);
    char *nm = NULL;
    int64_t size = -1;
    if (kh_db_step(st) == KH_DB_ROW) {
        nm = strdup(kh_store_col_str(st, 0));
        size = kh_db_column_int64(st, 1);
    }
    kh_db_reset(st);
    if (!nm)
        return kh_err_fail(e, KH_ENOMEM, "out of memory");
    char *dir = NULL, *file = NULL;
    if ((rc = evidence_paths(s, hash, &dir, &file, e)) != KH_OK) {
        free(nm);
        return rc;
    }
    size_t start = out->len;
    /* A stored file that is missing, unreadable or changed is the
     * store's failure (cause io: exit 3, a logged 500), not bad input. */
    FILE *f = fopen(file, "rb");
    if (!f) {
        rc = kh_err_fail(e, KH_EIO, "evidence %.12s (%s): file is missing: %s",
                         hash, nm, file);
        kh_err_set_cause(e, KH_CAUSE_IO);
        goto out;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        kh_buf_add(out, buf, n);
    bool rerr = ferror(f);
    fclose(f);
    if (rerr) {
        rc = kh_err_fail(e, KH_EIO, "%s: cannot read", file);
        kh_err_set_cause(e, KH_CAUSE_IO);
        goto out;
    }
    if ((rc = kh_buf_status(out)) != KH_OK) {
        rc = kh_err_fail(e, rc, "evidence %.12s: %s", hash,
                         kh_status_str(rc));
        goto out;
    }
    char have[KH_STORE_HEX_SZ];
    kh_store_sha256_hex(out->data + start, out->len - start, have);
    if (strcmp(have, hash) != 0 || (int64_t)(out->len - start) != size) {
        rc = kh_err_fail(e, KH_EIO,
                         "evidence %.12s (%s): the file is damaged: its "
                         "content no longer matches its hash",
                         hash, nm);
        kh_err_set_cause(e, KH_CAUSE_IO);
        goto out;
    }
    if (name) {
        *name = nm;
        nm = NULL;
    }
out:
    if (rc != KH_OK && out->data && out->len > start) {
        /* Never hand out a damaged copy. */
        out->len = start;
        out->data[start] = '\0';
    }
    free(nm);
    free(dir);
    free(file);
    return rc;
}

/* The caller's function and context, for evidence_row. */
typedef struct evidence_each_ctx {
    kh_evidence_fn fn;
    void *ctx;
} evidence_each_ctx;

/* kh_store_each's row: a file's link, then the caller's function. */
static kh_status evidence_row(kh_db_stmt *st, void *ctx)
{
    evidence_each_ctx *c = ctx;
    kh_evidence_row row = {
        .sha256 = kh_store_col_str(st, 0),
        .type = kh_store_col_str(st, 1),
        .size = kh_db_column_int64(st, 2),
        .name = kh_store_col_str(st, 3),
        .year = kh_db_column_int(st, 4),
        .unit = kh_store_col_str(st, 5),
        .item = kh_store_col_str(st, 6),
        .phase = kh_store_col_str(st, 7),
        .followup = kh_db_column_int64(st, 8),
        .added_at = kh_store_col_str(st, 9),
        .added_by = kh_store_col_str(st, 10),
    };
    return c->fn(c->ctx, &row);
}

kh_status kh_store_evidence_each(kh_store *s, int year, const char *unit,
                                 kh_evidence_fn fn, void *ctx, kh_err *e)
{
    kh_db_stmt *st;
    kh_status rc = kh_store_stmt(
        s,
        "SELECT v.sha256, v.type, v.size, l.name, l.year, l.unit, l.item,"
        " l.phase, l.fid, l.added_at, l.added_by FROM ("
        "  SELECT ee.sha256 AS sha256, ee.name AS name, en.year AS year,"
        "   en.unit AS unit, en.item AS item, en.phase AS phase, 0 AS fid,"
        "   ee.added_at AS added_at, ee.added_by AS added_by"
        "  FROM entry_evidence ee JOIN entry en ON en.id = ee.entry"
        "  WHERE en.year = ?"
        "  UNION ALL"
        "  SELECT fi.evidence, ev.name, fi.year, fi.unit, NULL, NULL, fi.id,"
        "   fi.closed_at, fi.closed_by"
        "  FROM followup_item fi JOIN evidence ev ON ev.sha256 = fi.evidence"
        "  WHERE fi.year = ?"
        " ) l JOIN evidence v ON v.sha256 = l.sha256"
        " JOIN unit u ON u.year = l.year AND u.id = l.unit"
        " WHERE (? IS NULL OR l.unit = ?)"
        " ORDER BY u.pos, l.fid, l.item, l.phase, l.added_at, l.name",
        &st, e);
    if (rc != KH_OK)
        return rc;
    kh_db_bind_int(st, 1, year);
    kh_db_bind_int(st, 2, year);
    kh_store_bind_str(st, 3, unit);
    kh_store_bind_str(st, 4, unit);
    return kh_store_each(s, st, evidence_row, &(evidence_each_ctx){fn, ctx},
                         e, "reading evidence");
}

/* ---- integrity ----------------------------------------------------- */

kh_status kh_store_evidence_verify(kh_store *s, kh_buf *report,
                                   size_t *count, kh_err *e)
{
    /* Not a cached statement: the check runs beside other reads. */
    kh_db_stmt *st = NULL;
    if (kh_db_prepare(s->db,
                           "SELECT sha256, size, name FROM evidence"
                           " ORDER BY sha256", &st) != KH_DB_OK)
        return kh_store_db_fail(s, e, "reading evidence");
    size_t n = 0, bad = 0;
    int step;
    kh_status rc = KH_OK;
    while ((step = kh_db_step(st)) == KH_DB_ROW) {
        const char *hash = kh_store_col_str(st, 0);
        int64_t size = kh_db_column_int64(st, 1);
        const char *nm = kh_store_col_str(st, 2);
        n++;
        char *dir = NULL, *file = NULL;
        if ((rc = evidence_paths(s, hash ? hash : "", &dir, &file, e)) !=
            KH_OK)
            break;
        char have[KH_EVIDENCE_HASH_SZ];
        int64_t have_size = -1;
        if (!hash_file(file, have, &have_size)) {
            kh_err_fail(e, KH_EIO, "evidence %.12s (%s): file is missing: %s",
                        hash, nm, file);
            bad++;
        } else if (have_size != size || strcmp(have, hash) != 0) {
            kh_err_fail(e, KH_EIO,
                        "evidence %.12s (%s): the file is damaged: its "
                        "content no longer matches its hash",
                        hash, nm);
            bad++;
        }
        free(dir);
        free(file);
    }
    kh_db_finalize(st);
    if (rc != KH_OK)
        return rc;
    if (step != KH_DB_DONE)
        return kh_store_db_fail(s, e, "reading evidence");
    if (count)
        *count = n;
    if (bad == 0) {
        kh_buf_printf(report, "证据文件：%zu 个，哈希校验全部通过\n", n);
        return KH_OK;
    }
    kh_buf_printf(report, "证据文件：%zu 个，其中 %zu 个缺失或损坏\n", n, bad);
    return KH_EIO;
}
