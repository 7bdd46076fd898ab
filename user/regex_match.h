// A small regular-expression matcher for grep: POSIX basic (BRE) and
// extended (ERE) syntax for . [] [^] [:class:] * + ? | () ^ $ and \ escapes
// (in a BRE, \| \( \) \+ \? are the operators and | ( ) + ? are literal).
// No back-references or {n,m}.
//
// Patterns compile to a small program run as a Thompson NFA (a "Pike VM"):
// time linear in the text, memory linear in the pattern, no recursion
// over the text, so no input can blow an app's stack.
#ifndef USER_REGEX_MATCH_H
#define USER_REGEX_MATCH_H

#include <stddef.h>

#define REGEX_EXTENDED 1
#define REGEX_ICASE 2

struct regex;
// NULL on error, with *err set to a message (or to NULL: out of memory).
struct regex *regex_compile(const char *pattern, int flags, const char **err);
// 1 if the pattern matches somewhere in text[0..len).
int regex_search(const struct regex *re, const char *text, size_t len);
void regex_free(struct regex *re);

#endif
