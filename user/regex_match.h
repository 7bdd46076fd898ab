// A small regular-expression matcher for grep and sed: POSIX basic (BRE) and
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

// The number of groups, \( \) in a BRE or ( ) in an ERE.
int regex_ngroups(const struct regex *re);
// The leftmost match starting at or after text[from], preferring longer
// repeats: 1 with caps[0..1] its start and end and caps[2g..2g+1] group
// g's (-1 if the group took no part), for ncaps slots; 0 if none; -1 if
// out of memory. Work and memory are linear in pattern size * len.
int regex_exec(const struct regex *re, const char *text, size_t len, size_t from,
	       long *caps, int ncaps);

#endif
