// tests/e2e/scan_test.js - the page scan's checker (scan.js) on texts whose
// answer is known: each kind of thing it must flag is flagged, and what a
// Chinese page may hold (numbers, item numbers, dates, times, what the
// test typed) passes.  No browser.  Exits 1 on the first wrong answer.
'use strict';
const { scanText } = require('./scan');

const codes = ['jd', 'xx', 'insp1', 'jd1'];
let fails = 0;
function check(text, want, opts = {}) {
  const got = scanText(text, { codes, ...opts }).map((f) => f.run);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    console.log(`FAIL: ${JSON.stringify(text)}: flagged ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    fails++;
  }
}

// What passes.
check('机电工程系 考核要点 2.2（自查）「第一责任人履责情况」：请填写说明', []);
check('已保存 12:30，共 25 项，已填 3 项，得分 87.50，2025-12-07 10:00', []);
check('下载 PDF 或 DOCX，第 3 行「类别」列', []);
check('核验码：295-29eb6c0a', []);
check('meeting-minutes.png 已上传，说明：jd 已整改', [], { typed: ['meeting-minutes.png', 'jd'] });
// What fails, one kind at a time.
check('entry jd/2.2/self.inputs.rating：错误', ['jd/2.2/self.inputs.rating', 'entry']);
check('位置 entries[5].inputs.rating', ['entries[5].inputs.rating']);
check('时间 2026-12-06T21:53:25Z', ['2026-12-06T21:53:25Z']);
check('操作 web.refused 与 entry.set', ['web.refused', 'entry.set']);
check('单位 jd，检查人 insp1', ['jd', 'insp1']);
check('角色 inspector，状态 self_check', ['inspector', 'self_check']);
check('第 1 行：missing column 名称', ['missing column']);
check('单位 "jd" item "2.2": judgement 3.5 is below the full 4 points', ['jd', 'item', 'judgement 3.5 is below the full 4 points']);
check('哈希 3f6a9c0e1b2d4f5a6b7c8d9e0f1a2b3c4d5e6f7a', ['3f6a9c0e1b2d4f5a6b7c8d9e0f1a2b3c4d5e6f7a']);
check('版本 ideology-2020@d55a8746fb20', ['ideology-2020', 'd55a8746fb20']);
if (fails) process.exit(1);
console.log('ok: scan checker');
