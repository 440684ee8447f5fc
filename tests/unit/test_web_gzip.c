/*
 * test_web_gzip.c - Accept-Encoding parsing (web_http.c) and the cached
 * bodies' raw deflate (web_cache.c): the stream ends on a byte boundary
 * without a final block, so that stored blocks may follow it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "web.h"

static void test_accepts(void **state)
{
    (void)state;
    assert_true(web_accepts_gzip("gzip"));
    assert_true(web_accepts_gzip("gzip, deflate, br"));
    assert_true(web_accepts_gzip("deflate, GZIP;q=0.5"));
    assert_true(web_accepts_gzip("x-gzip"));
    assert_true(web_accepts_gzip("br ; q=1, gzip ; q=0.001"));
    assert_true(web_accepts_gzip("*"));
    assert_true(web_accepts_gzip("identity, *;q=0.1"));
    assert_true(web_accepts_gzip("gzip;q=1.000"));
    assert_false(web_accepts_gzip(NULL));
    assert_false(web_accepts_gzip(""));
    assert_false(web_accepts_gzip("identity"));
    assert_false(web_accepts_gzip("deflate, br"));
    assert_false(web_accepts_gzip("gzip;q=0"));
    assert_false(web_accepts_gzip("gzip;q=0.000"));
    assert_false(web_accepts_gzip("gzip; q=0.0, identity"));
    assert_false(web_accepts_gzip("gzip;q=0, *"));      /* named wins */
    assert_false(web_accepts_gzip("*;q=0"));
    assert_false(web_accepts_gzip("gzipx, xgzip"));
    /* malformed q-values allow nothing */
    assert_false(web_accepts_gzip("gzip;q=2"));
    assert_false(web_accepts_gzip("gzip;q=1.5"));
    assert_false(web_accepts_gzip("gzip;q=abc"));
    assert_false(web_accepts_gzip("gzip;level=1"));
}

static void test_deflate_joins(void **state)
{
    (void)state;
    char in[5000];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (char)('a' + (i * 7 % 13));
    unsigned char *z = NULL;
    size_t zlen = 0;
    assert_true(web_deflate(in, sizeof in, &z, &zlen));
    assert_true(zlen > 0 && zlen < sizeof in);
    /* Append a final empty stored block: the whole inflates to in. */
    unsigned char *all = malloc(zlen + 5);
    assert_non_null(all);
    memcpy(all, z, zlen);
    memcpy(all + zlen, "\x01\x00\x00\xff\xff", 5);
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(inflateInit2(&s, -15), Z_OK);
    char out[6000];
    s.next_in = all;
    s.avail_in = (uInt)(zlen + 5);
    s.next_out = (Bytef *)out;
    s.avail_out = sizeof out;
    assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
    assert_int_equal(s.total_out, sizeof in);
    assert_memory_equal(out, in, sizeof in);
    inflateEnd(&s);
    free(all);
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts),
        cmocka_unit_test(test_deflate_joins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
