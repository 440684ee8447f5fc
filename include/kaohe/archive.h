/*
 * kaohe/archive.h - the archive of a published or closed year (归档,
 * issue 14): one zip holding
 *   notice.docx, notice.pdf         考核结果通报
 *   sheets/UNIT.pdf                 every unit's score sheet
 *   workbook.xlsx                   the year's workbook
 *   followup.pdf, followup.csv      整改跟踪
 *   results.json, .txt, .csv        the frozen snapshot, byte for byte
 *   audit.jsonl                     the year's audit records, one a line
 *   rubric.yaml (or .json)          the rubric file, byte for byte
 *   evidence/UNIT/ITEM/NAME         every evidence file of the year
 *                                   (follow-up ones under 整改-ID)
 *   MANIFEST                        every other file's SHA-256 and path,
 *                                   the snapshot's SHA-256 and the head
 *                                   of the audit chain
 * kh_archive_verify re-reads a zip and checks every file against the
 * MANIFEST, naming each file changed, missing or not listed, and that
 * results.json still has the snapshot's hash.  The MANIFEST is not
 * signed: it proves the files agree with it and with the audit chain
 * head printed by the store, not who wrote it.
 *
 * Memory: paths and the store are borrowed.
 */
#ifndef KAOHE_ARCHIVE_H
#define KAOHE_ARCHIVE_H

#include "kaohe/buf.h"
#include "kaohe/error.h"
#include "kaohe/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest MANIFEST kh_archive_verify reads (bytes). */
#define KH_ARCHIVE_MANIFEST_MAX ((size_t)64 << 20)

/* Writes the archive of year (published or closed, else KH_ESTATE) to
 * path, replacing it (the caller writes to a temporary name and
 * renames).  A damaged evidence file is KH_EIO, naming it. */
kh_status kh_archive_write(kh_store *s, int year, const char *path,
                           kh_err *e);

/* Checks the archive at path; appends a summary for people to report.
 * Each problem is an error at the file's path inside the zip;
 * KH_EINVAL when there is any. */
kh_status kh_archive_verify(const char *path, kh_buf *report, kh_err *e);

#ifdef __cplusplus
}
#endif
#endif
