/*
 * One JSON object per line, built in memory and written with a single
 * fwrite so that a line is never interleaved or half-written; test rigs read
 * these lines as they come.
 */
#ifndef PETLS_CLI_JSON_OUT_H
#define PETLS_CLI_JSON_OUT_H

#include <stddef.h>
#include <stdio.h>

struct json_line {
    char *buf;
    size_t len;
    size_t cap;
    int fields;
    int failed; /* out of memory: the line is dropped */
};

void json_begin(struct json_line *j);
/* value NULL writes JSON null. */
void json_str(struct json_line *j, const char *key, const char *value);
void json_bool(struct json_line *j, const char *key, int value);
void json_int(struct json_line *j, const char *key, long long value);
/* bytes as a string of lower-case hex digits. */
void json_hex(struct json_line *j, const char *key, const unsigned char *bytes,
              size_t len);
/* A value already in JSON form (an object or array built by the caller). */
void json_raw(struct json_line *j, const char *key, const char *json);
/* Closes the object, writes it plus '\n' to out, flushes, frees the buffer.
 * Returns 0, or -1 when the line could not be built or written. */
int json_end(struct json_line *j, FILE *out);

/* Appends the JSON string literal for s (quotes included) to j; invalid
 * UTF-8 becomes U+FFFD so the output is always valid JSON. Exposed for
 * callers composing their own values. */
void json_append_string(struct json_line *j, const char *s);
/* Appends n bytes of JSON text as they are. */
void json_append_raw(struct json_line *j, const char *s, size_t n);

#endif
