#!/bin/sh
# Export benchmark (bench/export, issue 5): the Excel workbook of a
# 3,000-unit year.  Builds kaohe in Release ($BUILD/), generates a
# synthetic assessment with bench/gen_assess (every item, both phases),
# imports it into a fresh store, publishes the year and measures with
# bench/measure:
#   1. `kaohe export xlsx` (default: in memory; one sheet per unit)
#   2. the same with --constant-memory
#   3. `kaohe export html --what notice`
#   4. the 公文 (issue 14): the notice and all score sheets as .docx and
#      PDF (`kaohe export docx|pdf --what sheet --all`)
# Prints a Markdown section for docs/PERFORMANCE.md.
#
# Needs the gen_assess and measure targets (bench/CMakeLists.txt of the
# bench branch).  Environment: UNITS (3000), SEED, BUILD (build-bench),
# JOBS (2), BENCH_CMAKE_ARGS.
set -eu
cd "$(dirname "$0")/../.."

. bench/lib.sh
UNITS=${UNITS:-3000}
bench_build bench/export kaohe gen_assess measure
KAOHE=$K

f=$OUT/export-assess-$UNITS.json
bench_gen "$f" "$UNITS"
bench_tmp
KAOHE_DB=$T/kaohe.db
export KAOHE_DB
bench_year "$K" "$KAOHE_DB" "$f" 4

x1=$("$MEASURE" -- "$KAOHE" export xlsx --year 2025 -o "$T/m.xlsx")
x2=$("$MEASURE" -- "$KAOHE" export xlsx --year 2025 --constant-memory \
       -o "$T/c.xlsx")
h1=$("$MEASURE" --stdout /dev/null -- "$KAOHE" export html --year 2025 \
       --what notice)
r1=$("$MEASURE" --stdout /dev/null -- "$KAOHE" results --year 2025 \
       --format json)
d1=$("$MEASURE" -- "$KAOHE" export docx --year 2025 --what notice \
       -o "$T/n.docx")
p1=$("$MEASURE" -- "$KAOHE" export pdf --year 2025 --what notice \
       -o "$T/n.pdf")
mkdir "$T/sd" "$T/sp"
d2=$("$MEASURE" -- "$KAOHE" export docx --year 2025 --what sheet --all \
       -o "$T/sd")
p2=$("$MEASURE" -- "$KAOHE" export pdf --year 2025 --what sheet --all \
       -o "$T/sp")
npdf=$(pdfinfo "$T/n.pdf" | sed -n 's/^Pages: *//p')
sheets=$(unzip -l "$T/m.xlsx" | grep -c 'xl/worksheets/sheet')
lxw=$(sed -n 's/^#define LXW_VERSION "\(.*\)"/\1/p' /usr/include/xlsxwriter.h)

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
cat <<MD
## Export (bench/export)

\`sh bench/export/run.sh\` ($cpu, $(nproc) cores, libxlsxwriter $lxw,
Release build; load average $(cut -d' ' -f1-3 /proc/loadavg)).
Data: \`bench/gen_assess --rubric $RUBRIC --units $UNITS --seed $SEED\`,
imported into a fresh store and published.  The workbook has $sheets
sheets ($(stat -c %s "$T/m.xlsx") bytes).

| what | figure |
|---|---|
| \`kaohe export xlsx\` (in memory, the default) | $x1 |
| \`kaohe export xlsx --constant-memory\` | $x2 ($(stat -c %s "$T/c.xlsx") bytes) |
| \`kaohe export html --what notice\` | $h1 |
| for comparison: \`kaohe results --format json\` | $r1 |
| \`kaohe export docx --what notice\` ($(stat -c %s "$T/n.docx") bytes) | $d1 |
| \`kaohe export pdf --what notice\` ($npdf pages, $(stat -c %s "$T/n.pdf") bytes) | $p1 |
| \`kaohe export docx --what sheet --all\` ($(ls "$T/sd" | wc -l) files, $(du -sk "$T/sd" | cut -f1) KiB) | $d2 |
| \`kaohe export pdf --what sheet --all\` ($(ls "$T/sp" | wc -l) files, $(du -sk "$T/sp" | cut -f1) KiB) | $p2 |
MD
