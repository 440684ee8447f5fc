/*
 * small_rubric.h - the small rubric shared by test_assess.c and
 * test_score.c: base 27; 1.4 (3) is faculty-only, so an office is scored
 * out of 24 and prorated to 27; 2.2 has a roster term inside a group;
 * 2.3 starts at its max.  Included by one test program each (static).
 */
#ifndef KH_TEST_SMALL_RUBRIC_H
#define KH_TEST_SMALL_RUBRIC_H

/* not_applicable is the %s. */
static const char SMALL_RUBRIC_FMT[] =
    "id: t\n"
    "title: T\n"
    "base_max: 27\n"
    "bonus_max: 5\n"
    "bottom_n: 2\n"
    "not_applicable: %s\n"
    "kinds:\n"
    "  - {id: faculty, name: 系}\n"
    "  - {id: office, name: 处室}\n"
    "rankings:\n"
    "  - {id: fac, name: 各系, kind: faculty, level: branch}\n"
    "  - {id: off, name: 各部门, kind: office, level: unit}\n"
    "categories:\n"
    "  - id: \"1\"\n"
    "    name: 体制\n"
    "    max: 14\n"
    "    items:\n"
    "      - id: \"1.1\"\n"
    "        text: a\n"
    "        max: 3\n"
    "        terms: [{input: doc, kind: check, label: 印证文件, points: 3}]\n"
    "      - id: \"1.2\"\n"
    "        text: b\n"
    "        max: 2\n"
    "        terms:\n"
    "          - input: report\n"
    "            kind: choice\n"
    "            label: 汇报\n"
    "            options:\n"
    "              - {id: on_time, label: 按时, points: 2}\n"
    "              - {id: late, label: 迟报, points: 1.5}\n"
    "              - {id: none, label: 未报, points: 0}\n"
    "      - id: \"1.3\"\n"
    "        text: c\n"
    "        max: 6\n"
    "        terms:\n"
    "          - {input: meetings, kind: count, label: 相关会议记录, per: 1}\n"
    "          - {input: proofs, kind: count, label: 相关印证材料, per: 1}\n"
    "      - id: \"1.4\"\n"
    "        text: d\n"
    "        max: 3\n"
    "        kinds: [faculty]\n"
    "        terms: [{input: lectures, kind: check, label: 听课, points: 3}]\n"
    "  - id: \"2\"\n"
    "    name: 引领\n"
    "    max: 13\n"
    "    items:\n"
    "      - id: \"2.1\"\n"
    "        text: e\n"
    "        max: 4\n"
    "        terms: [{input: rating, kind: judgement, label: 履责, points: 4}]\n"
    "      - id: \"2.2\"\n"
    "        text: f\n"
    "        max: 5\n"
    "        terms:\n"
    "          - kind: group\n"
    "            label: 学习强国\n"
    "            max: 2\n"
    "            start: 2\n"
    "            terms:\n"
    "              - {input: xuexi_below, kind: deduct, label: 积分不足5000分的人数,\n"
    "                 per: 0.5, roster: {name: xuexi, below: 5000}}\n"
    "          - {input: activities, kind: count, label: 主题活动, per: 1, cap: 3}\n"
    "      - id: \"2.3\"\n"
    "        text: g\n"
    "        max: 4\n"
    "        start: 4\n"
    "        terms:\n"
    "          - {input: no_advisor, kind: check, label: 无指导教师, points: -1}\n"
    "          - {input: violations, kind: deduct, label: 违规现象, per: 1}\n";

/* Loads the small rubric with the given not_applicable mode; the test
 * fails on any message.  Caller frees it. */
static kh_rubric *small_rubric(const char *mode)
{
    char buf[sizeof SMALL_RUBRIC_FMT + 16];
    snprintf(buf, sizeof buf, SMALL_RUBRIC_FMT, mode);
    kh_err *e = kh_err_new();
    kh_rubric *r = NULL;
    kh_status st = kh_rubric_load_mem("r.yaml", buf, strlen(buf), e, &r);
    for (size_t i = 0; i < kh_err_count(e); i++) {
        char *m = kh_err_format(e, i);
        fprintf(stderr, "rubric: %s\n", m);
        free(m);
    }
    assert_int_equal(st, KH_OK);
    assert_int_equal(kh_err_count(e), 0);
    kh_err_free(e);
    return r;
}

#endif
