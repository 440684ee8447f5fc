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

UNITS=${UNITS:-3000}
SEED=${SEED:-20250101}
BUILD=${BUILD:-build-bench}
JOBS=${JOBS:-2}
RUBRIC=rubrics/ideology-2020.yaml
OUT=bench/out

echo "bench/export: building (Release, $BUILD/)" >&2
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    ${BENCH_CMAKE_ARGS:-} >/dev/null
GEN=$BUILD/bench/gen_assess
MEASURE=$BUILD/bench/measure
if [ -f bench/CMakeLists.txt ]; then
  cmake --build "$BUILD" -j "$JOBS" --target kaohe gen_assess measure >/dev/null
else
  cmake --build "$BUILD" -j "$JOBS" --target kaohe >/dev/null
  [ -x "$GEN" ] && [ -x "$MEASURE" ] ||
    { echo "bench/export: $GEN and $MEASURE are needed (bench branch)" >&2; exit 1; }
fi
KAOHE=$BUILD/kaohe
mkdir -p "$OUT"

f=$OUT/export-assess-$UNITS.json
"$GEN" --rubric "$RUBRIC" --units "$UNITS" --seed "$SEED" -o "$f" >/dev/null 2>&1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
KAOHE_DB=$tmp/kaohe.db
KAOHE_USER=bench
export KAOHE_DB KAOHE_USER
"$KAOHE" init >/dev/null
"$KAOHE" rubric import "$RUBRIC" >/dev/null
"$KAOHE" year open 2025 --rubric ideology-2020 >/dev/null
"$KAOHE" import assessment "$f" >/dev/null
for i in 1 2 3 4; do "$KAOHE" year advance 2025 >/dev/null; done

x1=$("$MEASURE" -- "$KAOHE" export xlsx --year 2025 -o "$tmp/m.xlsx")
x2=$("$MEASURE" -- "$KAOHE" export xlsx --year 2025 --constant-memory \
       -o "$tmp/c.xlsx")
h1=$("$MEASURE" --stdout /dev/null -- "$KAOHE" export html --year 2025 \
       --what notice)
r1=$("$MEASURE" --stdout /dev/null -- "$KAOHE" results --year 2025 \
       --format json)
d1=$("$MEASURE" -- "$KAOHE" export docx --year 2025 --what notice \
       -o "$tmp/n.docx")
p1=$("$MEASURE" -- "$KAOHE" export pdf --year 2025 --what notice \
       -o "$tmp/n.pdf")
mkdir "$tmp/sd" "$tmp/sp"
d2=$("$MEASURE" -- "$KAOHE" export docx --year 2025 --what sheet --all \
       -o "$tmp/sd")
p2=$("$MEASURE" -- "$KAOHE" export pdf --year 2025 --what sheet --all \
       -o "$tmp/sp")
npdf=$(pdfinfo "$tmp/n.pdf" | sed -n 's/^Pages: *//p')
sheets=$(unzip -l "$tmp/m.xlsx" | grep -c 'xl/worksheets/sheet')
lxw=$(sed -n 's/^#define LXW_VERSION "\(.*\)"/\1/p' /usr/include/xlsxwriter.h)

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
cat <<MD
## Export (bench/export)

\`sh bench/export/run.sh\` ($cpu, $(nproc) cores, libxlsxwriter $lxw,
Release build; load average $(cut -d' ' -f1-3 /proc/loadavg)).
Data: \`bench/gen_assess --rubric $RUBRIC --units $UNITS --seed $SEED\`,
imported into a fresh store and published.  The workbook has $sheets
sheets ($(stat -c %s "$tmp/m.xlsx") bytes).

| what | figure |
|---|---|
| \`kaohe export xlsx\` (in memory, the default) | $x1 |
| \`kaohe export xlsx --constant-memory\` | $x2 ($(stat -c %s "$tmp/c.xlsx") bytes) |
| \`kaohe export html --what notice\` | $h1 |
| for comparison: \`kaohe results --format json\` | $r1 |
| \`kaohe export docx --what notice\` ($(stat -c %s "$tmp/n.docx") bytes) | $d1 |
| \`kaohe export pdf --what notice\` ($npdf pages, $(stat -c %s "$tmp/n.pdf") bytes) | $p1 |
| \`kaohe export docx --what sheet --all\` ($(ls "$tmp/sd" | wc -l) files, $(du -sk "$tmp/sd" | cut -f1) KiB) | $d2 |
| \`kaohe export pdf --what sheet --all\` ($(ls "$tmp/sp" | wc -l) files, $(du -sk "$tmp/sp" | cut -f1) KiB) | $p2 |
MD
