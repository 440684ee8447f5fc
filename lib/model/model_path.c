/*
 * model_path.c - building the data paths of the loaders' messages
 * (model_path.h): the one copy the rubric and questionnaire loaders use.
 */
#include "model_path.h"

#include <stdio.h>
#include <string.h>

/* Appends s to out[0..*n), cutting at KH_MODEL_PATH_SZ - 1 bytes. */
static void path_add(char *out, size_t *n, const char *s)
{
    size_t k = strlen(s);
    if (k > KH_MODEL_PATH_SZ - 1 - *n)
        k = KH_MODEL_PATH_SZ - 1 - *n;
    memmove(out + *n, s, k);
    *n += k;
    out[*n] = '\0';
}

void kh_model_path_key(char *out, const char *parent, const char *key)
{
    size_t n = 0;
    out[0] = '\0';
    path_add(out, &n, parent);
    if (parent[0])
        path_add(out, &n, ".");
    path_add(out, &n, key);
}

void kh_model_path_idx(char *out, const char *parent, size_t i)
{
    char num[32];
    size_t n = 0;
    snprintf(num, sizeof num, "[%zu]", i);
    out[0] = '\0';
    path_add(out, &n, parent);
    path_add(out, &n, num);
}
