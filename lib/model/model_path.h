/*
 * model_path.h - the data paths of the model loaders' messages
 * ("items[3].terms[0].max"), shared by the rubric and questionnaire
 * loaders.  Private to lib/model.
 */
#ifndef KAOHE_MODEL_PATH_H
#define KAOHE_MODEL_PATH_H

#include <stddef.h>

/* Size of a path buffer; longer paths are cut. */
#define KH_MODEL_PATH_SZ 512

/* out = parent.key (key alone at the root); out may not alias parent. */
void kh_model_path_key(char *out, const char *parent, const char *key);
/* out = parent[i]; out may not alias parent. */
void kh_model_path_idx(char *out, const char *parent, size_t i);

#endif
