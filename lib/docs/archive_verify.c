/*
 * archive_verify.c - checking a year's archive against its MANIFEST
 * (kaohe/archive.h): every listed file present with its SHA-256, no
 * file unlisted, results.json with the snapshot's hash.
 */
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "kaohe/archive.h"

#define AV_HEX 64

/* Reads entry i whole into out (capped), or KH_EIO. */
static kh_status av_read(zip_t *z, zip_uint64_t i, size_t cap, kh_buf *out)
{
    zip_file_t *f = zip_fopen_index(z, i, 0);
    if (!f)
        return KH_EIO;
    kh_status rc = KH_OK;
    for (;;) {
        char *w = kh_buf_reserve(out, 65536);
        if (!w || out->len > cap) {
            rc = KH_ELIMIT;
            break;
        }
        zip_int64_t n = zip_fread(f, w, 65536);
        if (n < 0) {
            rc = KH_EIO;
            break;
        }
        if (n == 0)
            break;
        kh_buf_commit(out, (size_t)n);
    }
    zip_fclose(f);
    return rc;
}

static void av_hex(const kh_buf *b, char hex[AV_HEX + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)(b->data ? b->data : ""),
                       b->len);
    sodium_bin2hex(hex, AV_HEX + 1, h, sizeof h);
}

/* Checks one "HASH  PATH" line; returns true when it is one. */
static bool av_line(zip_t *z, const char *line, size_t len, size_t *files,
                    kh_err *e)
{
    if (len < AV_HEX + 3 || line[AV_HEX] != ' ' || line[AV_HEX + 1] != ' ')
        return false;
    char want[AV_HEX + 1], path[4096];
    memcpy(want, line, AV_HEX);
    want[AV_HEX] = '\0';
    snprintf(path, sizeof path, "%.*s", (int)(len - AV_HEX - 2),
             line + AV_HEX + 2);
    (*files)++;
    zip_int64_t i = zip_name_locate(z, path, 0);
    if (i < 0) {
        kh_err_at(e, 0, 0, path, "missing from the archive");
        return true;
    }
    kh_buf b;
    kh_buf_init(&b, 0);
    char got[AV_HEX + 1];
    if (av_read(z, (zip_uint64_t)i, KH_BUF_DEFAULT_CAP, &b) != KH_OK)
        kh_err_at(e, 0, 0, path, "cannot be read");
    else if (av_hex(&b, got), strcmp(got, want) != 0)
        kh_err_at(e, 0, 0, path, "changed: its SHA-256 is %s, the MANIFEST "
                  "says %s", got, want);
    kh_buf_free(&b);
    return true;
}

/* Every entry of the zip must be the MANIFEST or listed in it. */
static void av_unlisted(zip_t *z, const char *manifest, kh_err *e)
{
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (!name || !strcmp(name, "MANIFEST"))
            continue;
        size_t nl = strlen(name);
        bool found = false;
        for (const char *p = manifest; p && *p && !found;) {
            const char *eol = strchr(p, '\n');
            size_t l = eol ? (size_t)(eol - p) : strlen(p);
            found = l == AV_HEX + 2 + nl && !memcmp(p + AV_HEX + 2, name, nl);
            p = eol ? eol + 1 : NULL;
        }
        if (!found)
            kh_err_at(e, 0, 0, name, "not listed in the MANIFEST");
    }
}

/* results.json must still have the snapshot's SHA-256. */
static void av_snapshot(zip_t *z, const char *manifest, kh_err *e)
{
    const char *s = strstr(manifest, "\nsnapshot-sha256: ");
    zip_int64_t i = zip_name_locate(z, "results.json", 0);
    if (!s || i < 0)
        return;
    kh_buf b;
    kh_buf_init(&b, 0);
    char got[AV_HEX + 1];
    if (av_read(z, (zip_uint64_t)i, KH_BUF_DEFAULT_CAP, &b) == KH_OK) {
        av_hex(&b, got);
        if (strncmp(s + 18, got, AV_HEX) != 0)
            kh_err_at(e, 0, 0, "results.json", "is not the published "
                      "snapshot (SHA-256 %s, snapshot %.64s)", got, s + 18);
    }
    kh_buf_free(&b);
}

kh_status kh_archive_verify(const char *path, kh_buf *report, kh_err *e)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!z)
        return kh_err_fail(e, KH_EINVAL, "%s: not a readable zip archive",
                           path);
    size_t before = kh_err_errors(e), files = 0;
    kh_buf m;
    kh_buf_init(&m, 0);
    zip_int64_t mi = zip_name_locate(z, "MANIFEST", 0);
    if (mi < 0 || av_read(z, (zip_uint64_t)mi, KH_ARCHIVE_MANIFEST_MAX, &m) !=
                      KH_OK) {
        kh_err_at(e, 0, 0, "MANIFEST", "missing or unreadable");
    } else {
        const char *text = kh_buf_str(&m);
        const char *body = strstr(text, "\n\n");
        for (const char *p = body ? body + 2 : NULL; p && *p;) {
            const char *eol = strchr(p, '\n');
            size_t l = eol ? (size_t)(eol - p) : strlen(p);
            if (l && !av_line(z, p, l, &files, e))
                kh_err_at(e, 0, 0, "MANIFEST", "bad line \"%.*s\"",
                          (int)(l > 80 ? 80 : l), p);
            p = eol ? eol + 1 : NULL;
        }
        av_unlisted(z, body ? body + 2 : "", e);
        av_snapshot(z, text, e);
        size_t hl = body ? (size_t)(body - text) + 1 : 0;
        kh_buf_add(report, text, hl);
    }
    zip_discard(z);
    kh_buf_free(&m);
    size_t bad = kh_err_errors(e) - before;
    kh_buf_printf(report, "%zu files listed; %s\n", files,
                  bad ? "problems found" : "every file matches the MANIFEST");
    return bad ? KH_EINVAL : kh_buf_status(report);
}
