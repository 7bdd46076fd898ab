// Command-line parsing. Words are separated by spaces; a value may be
// double-quoted (init="echo hi; ls") to contain spaces, and a backslash
// makes the next character literal (GRUB writes \' for ').
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/string.h"

struct cmdline cmdline = {.loglevel = -1};

// Copy the next word (with its key=value and quotes resolved) into buf.
static const char *next_word(const char *s, char *buf, size_t len)
{
	size_t n = 0;
	bool quoted = false;
	while (*s == ' ')
		s++;
	while (*s && (quoted || *s != ' ')) {
		if (*s == '"') {
			quoted = !quoted;
		} else {
			if (*s == '\\' && s[1]) // GRUB escapes \ ' and " this way
				s++;
			if (n + 1 < len)
				buf[n++] = *s;
		}
		s++;
	}
	buf[n] = 0;
	return s;
}

int cmdline_parse(const char *s, struct cmdline *out)
{
	char w[1024];
	int unknown = 0;
	out->loglevel = -1;
	while (*(s = next_word(s, w, sizeof(w))) || w[0]) {
		if (strcmp(w, "ktest") == 0) {
			out->ktest = true;
		} else if (strncmp(w, "ktest=", 6) == 0) {
			out->ktest = true;
			strlcpy(out->ktest_pattern, w + 6, sizeof(out->ktest_pattern));
		} else if (strcmp(w, "bench") == 0) {
			out->bench = true;
		} else if (strncmp(w, "bench=", 6) == 0) {
			out->bench = true;
			strlcpy(out->bench_pattern, w + 6, sizeof(out->bench_pattern));
		} else if (strncmp(w, "torture=", 8) == 0) {
			strlcpy(out->torture, w + 8, sizeof(out->torture));
		} else if (strncmp(w, "init=", 5) == 0) {
			strlcpy(out->init, w + 5, sizeof(out->init));
		} else if (strcmp(w, "quiet") == 0) {
			out->quiet = true;
		} else if (strncmp(w, "loglevel=", 9) == 0) {
			int v;
			if (kstrtoint(w + 9, 10, &v) == 0 && v >= 0 && v <= 8)
				out->loglevel = v;
			else
				unknown++;
		} else if (w[0]) {
			unknown++;
			pr_warn("cmdline: ignoring unknown option '%s'\n", w);
		}
		if (!*s)
			break;
	}
	return unknown;
}
