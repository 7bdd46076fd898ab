// The matcher behind grep (see regex_match.h).
//
// Compilation is in two steps: a recursive-descent parser builds a tree of
// nodes (concatenations and alternations keep their operands as sibling
// lists, so only parentheses nest), then the tree is emitted as a program:
//   CHAR c / ANY / CLASS k / BOL / EOL   consume or test at the position
//   SPLIT x y                            continue at both x and y
//   JMP x, MATCH
// regex_search() runs all threads in lockstep over the text (Pike VM).
#include "user/regex_match.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NESTING 16 // parentheses: the parser and emitter recurse on them

enum node_type { N_EMPTY, N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_CAT, N_ALT,
		 N_STAR, N_PLUS, N_QUEST, N_GROUP, N_INTERVAL };

struct node {
	enum node_type type;
	int value; // N_CHAR: the byte; N_CLASS: class index; N_GROUP: its number
	int child; // N_CAT, N_ALT: first operand; repeats: the operand
	int next;  // next sibling in the parent's list, -1 at the end
	int min, max; // N_INTERVAL: a{min,max} (max -1: no upper bound)
};

enum op { I_CHAR, I_ANY, I_CLASS, I_BOL, I_EOL, I_SPLIT, I_JMP, I_MATCH,
	  I_SAVE /* value: the capture slot, 2 * group (+1 at its end) */ };

struct inst {
	enum op op;
	int value;
	int x, y;
};

struct regex {
	struct inst *prog;
	int nprog;
	unsigned char (*classes)[32]; // 256-bit sets
	int nclasses;
	int icase;
	int ngroups; // \( \) or ( ) groups, numbered from 1
	int *scratch; // regex_search's lists, marks and stack (5n + 2 ints),
		      // kept: a block of 2 KiB or more per call would be
		      // pages mapped and unmapped for every line
};

struct parser {
	const char *p;
	int extended, icase;
	struct node *nodes;
	int nnodes, capnodes;
	unsigned char (*classes)[32];
	int nclasses, capclasses;
	const char *err;
	int depth;
	int ngroups;
};

static int new_node(struct parser *ps, enum node_type type, int value)
{
	if (ps->nnodes == ps->capnodes) {
		int cap = ps->capnodes ? ps->capnodes * 2 : 32;
		struct node *n = realloc(ps->nodes, sizeof(*n) * (size_t)cap);
		if (!n) {
			ps->err = NULL;
			return -1;
		}
		ps->nodes = n;
		ps->capnodes = cap;
	}
	ps->nodes[ps->nnodes] = (struct node){type, value, -1, -1, 0, 0};
	return ps->nnodes++;
}

static int fail(struct parser *ps, const char *msg)
{
	ps->err = msg;
	return -1;
}

static void class_set(unsigned char *set, int c)
{
	set[c >> 3] |= (unsigned char)(1 << (c & 7));
}

static const struct {
	const char *name;
	int (*test)(int);
} named_classes[] = {
	{"alpha", isalpha}, {"digit", isdigit}, {"alnum", isalnum},
	{"space", isspace}, {"upper", isupper}, {"lower", islower},
	{"punct", ispunct}, {"xdigit", isxdigit}, {"print", isprint},
	{"graph", isgraph}, {"cntrl", iscntrl}, {"blank", isblank},
};

// ps->p is just past '['.
static int parse_class(struct parser *ps)
{
	if (ps->nclasses == ps->capclasses) {
		int cap = ps->capclasses ? ps->capclasses * 2 : 4;
		void *c = realloc(ps->classes, 32 * (size_t)cap);
		if (!c) {
			ps->err = NULL;
			return -1;
		}
		ps->classes = c;
		ps->capclasses = cap;
	}
	unsigned char *set = ps->classes[ps->nclasses];
	memset(set, 0, 32);
	int negate = 0;
	if (*ps->p == '^') {
		negate = 1;
		ps->p++;
	}
	int first = 1;
	while (*ps->p && (*ps->p != ']' || first)) {
		first = 0;
		if (ps->p[0] == '[' && ps->p[1] == ':') {
			const char *end = strstr(ps->p + 2, ":]");
			if (!end)
				return fail(ps, "unterminated character class");
			size_t len = (size_t)(end - (ps->p + 2));
			size_t k;
			for (k = 0; k < sizeof(named_classes) / sizeof(named_classes[0]); k++)
				if (strlen(named_classes[k].name) == len &&
				    strncmp(named_classes[k].name, ps->p + 2, len) == 0)
					break;
			if (k == sizeof(named_classes) / sizeof(named_classes[0]))
				return fail(ps, "invalid character class");
			for (int c = 0; c < 256; c++)
				if (named_classes[k].test(c))
					class_set(set, c);
			ps->p = end + 2;
			continue;
		}
		int lo = (unsigned char)*ps->p++, hi = lo;
		if (ps->p[0] == '-' && ps->p[1] && ps->p[1] != ']') {
			hi = (unsigned char)ps->p[1];
			ps->p += 2;
			if (hi < lo)
				return fail(ps, "invalid range end");
		}
		for (int c = lo; c <= hi; c++) {
			class_set(set, c);
			if (ps->icase) {
				class_set(set, tolower(c));
				class_set(set, toupper(c));
			}
		}
	}
	if (*ps->p != ']')
		return fail(ps, "unmatched [");
	ps->p++;
	if (negate)
		for (int i = 0; i < 32; i++)
			set[i] = (unsigned char)~set[i];
	return new_node(ps, N_CLASS, ps->nclasses++);
}

static int parse_alt(struct parser *ps);

static int is_alt_bar(const struct parser *ps, const char *p)
{
	return ps->extended ? p[0] == '|' : p[0] == '\\' && p[1] == '|';
}

static int is_close(const struct parser *ps, const char *p)
{
	return ps->extended ? p[0] == ')' : p[0] == '\\' && p[1] == ')';
}

static int parse_atom(struct parser *ps, int at_start)
{
	const char *p = ps->p;
	int ext = ps->extended;
	if ((ext && *p == '(') || (!ext && p[0] == '\\' && p[1] == '(')) {
		ps->p += ext ? 1 : 2;
		if (++ps->depth > MAX_NESTING)
			return fail(ps, "pattern nested too deeply");
		int group = new_node(ps, N_GROUP, ++ps->ngroups);
		int inner = group < 0 ? -1 : parse_alt(ps);
		ps->depth--;
		if (inner < 0)
			return -1;
		if (!is_close(ps, ps->p))
			return fail(ps, "unmatched ( or \\(");
		ps->p += ext ? 1 : 2;
		ps->nodes[group].child = inner;
		return group;
	}
	if (*p == '[') {
		ps->p++;
		return parse_class(ps);
	}
	if (*p == '.') {
		ps->p++;
		return new_node(ps, N_ANY, 0);
	}
	if (*p == '^' && (ext || at_start)) {
		ps->p++;
		return new_node(ps, N_BOL, 0);
	}
	if (*p == '$') {
		const char *after = p + 1;
		if (ext || !*after || is_alt_bar(ps, after) || is_close(ps, after)) {
			ps->p++;
			return new_node(ps, N_EOL, 0);
		}
	}
	if (*p == '\\') {
		if (!p[1])
			return fail(ps, "trailing backslash");
		ps->p += 2;
		int c = (unsigned char)p[1];
		return new_node(ps, N_CHAR, ps->icase ? tolower(c) : c);
	}
	ps->p++;
	int c = (unsigned char)*p;
	return new_node(ps, N_CHAR, ps->icase ? tolower(c) : c);
}

#define MAX_INTERVAL 255 // RE_DUP_MAX

// {m}, {m,}, {m,n} after its opening brace; N_INTERVAL with *min, *max,
// or N_EMPTY with ps->err set.
static enum node_type parse_interval(struct parser *ps, const char *p, int *min, int *max)
{
	int v = 0, digits = 0;
	for (; *p >= '0' && *p <= '9' && v <= MAX_INTERVAL; p++, digits++)
		v = v * 10 + (*p - '0');
	if (!digits)
		return fail(ps, "Invalid preceding regular expression"), N_EMPTY;
	*min = *max = v;
	if (*p == ',') {
		p++;
		*max = -1;
		if (*p >= '0' && *p <= '9')
			for (*max = 0; *p >= '0' && *p <= '9' && *max <= MAX_INTERVAL; p++)
				*max = *max * 10 + (*p - '0');
	}
	const char *close = ps->extended ? "}" : "\\}";
	if (strncmp(p, close, strlen(close)) != 0)
		return fail(ps, "Unmatched \\{"), N_EMPTY;
	if (*min > MAX_INTERVAL || *max > MAX_INTERVAL || (*max >= 0 && *max < *min))
		return fail(ps, "Invalid content of \\{\\}"), N_EMPTY;
	ps->p = p + strlen(close);
	return N_INTERVAL;
}

// The repeat operator at ps->p, or N_EMPTY if there is none (or on an
// error: ps->err set). Intervals give their bounds in *min, *max.
static enum node_type repeat_op(struct parser *ps, int *min, int *max)
{
	const char *p = ps->p;
	if (ps->extended && p[0] == '{' && p[1] >= '0' && p[1] <= '9')
		return parse_interval(ps, p + 1, min, max);
	if (!ps->extended && p[0] == '\\' && p[1] == '{')
		return parse_interval(ps, p + 2, min, max);
	if (*p == '*') {
		ps->p++;
		return N_STAR;
	}
	if (ps->extended && (*p == '+' || *p == '?')) {
		ps->p++;
		return *p == '+' ? N_PLUS : N_QUEST;
	}
	if (!ps->extended && p[0] == '\\' && (p[1] == '+' || p[1] == '?')) {
		ps->p += 2;
		return p[1] == '+' ? N_PLUS : N_QUEST;
	}
	return N_EMPTY;
}

static int parse_cat(struct parser *ps)
{
	int cat = new_node(ps, N_CAT, 0);
	if (cat < 0)
		return -1;
	int last = -1;
	while (*ps->p && !is_alt_bar(ps, ps->p) && !is_close(ps, ps->p)) {
		int at_start = last < 0;
		int atom;
		// A '*' with nothing before it is an ordinary character.
		if (at_start && *ps->p == '*') {
			ps->p++;
			atom = new_node(ps, N_CHAR, '*');
		} else {
			atom = parse_atom(ps, at_start);
		}
		if (atom < 0)
			return -1;
		// Repeats of a repeat fold into one (a** is a*, a+? is a*), so
		// no run of operators can nest the tree deeper.
		enum node_type rep, folded = N_EMPTY;
		int min = 0, max = 0, intervals = 0;
		while ((rep = repeat_op(ps, &min, &max)) != N_EMPTY) {
			if (rep == N_INTERVAL) { // a{m,n}: its own node (a{2}{3} nests)
				int r = new_node(ps, N_INTERVAL, 0);
				if (r < 0)
					return -1;
				ps->nodes[r].child = atom;
				ps->nodes[r].min = min;
				ps->nodes[r].max = max;
				atom = r;
				if (++intervals > 4) // gen() recurses once per interval
					return fail(ps, "pattern nested too deeply");
				continue;
			}
			folded = folded == N_EMPTY || folded == rep ? rep : N_STAR;
		}
		if (ps->err)
			return -1;
		if (folded != N_EMPTY) {
			int r = new_node(ps, folded, 0);
			if (r < 0)
				return -1;
			ps->nodes[r].child = atom;
			atom = r;
		}
		if (last < 0)
			ps->nodes[cat].child = atom;
		else
			ps->nodes[last].next = atom;
		last = atom;
	}
	return cat;
}

static int parse_alt(struct parser *ps)
{
	int alt = new_node(ps, N_ALT, 0);
	if (alt < 0)
		return -1;
	int last = -1;
	for (;;) {
		int cat = parse_cat(ps);
		if (cat < 0)
			return -1;
		if (last < 0)
			ps->nodes[alt].child = cat;
		else
			ps->nodes[last].next = cat;
		last = cat;
		if (!is_alt_bar(ps, ps->p))
			return alt;
		ps->p += ps->extended ? 1 : 2;
	}
}

// ---- code generation ----------------------------------------------------

struct emitter {
	const struct node *nodes;
	struct inst *prog;
	int n, cap;
	int nomem;
};

// Programs are bounded (intervals inside intervals multiply): a bigger one
// fails as out of memory.
#define MAX_PROGRAM (1 << 18)

static int emit(struct emitter *e, enum op op, int value)
{
	if (e->n >= MAX_PROGRAM) {
		e->nomem = 1;
		return 0;
	}
	if (e->n == e->cap) {
		int cap = e->cap ? e->cap * 2 : 32;
		struct inst *p = realloc(e->prog, sizeof(*p) * (size_t)cap);
		if (!p) {
			e->nomem = 1;
			return 0;
		}
		e->prog = p;
		e->cap = cap;
	}
	e->prog[e->n] = (struct inst){op, value, 0, 0};
	return e->n++;
}

// Recursion here follows nesting only (bounded by MAX_NESTING and repeats).
static void gen(struct emitter *e, int idx)
{
	const struct node *nd = &e->nodes[idx];
	switch (nd->type) {
	case N_EMPTY:
		break;
	case N_CHAR:
		emit(e, I_CHAR, nd->value);
		break;
	case N_ANY:
		emit(e, I_ANY, 0);
		break;
	case N_CLASS:
		emit(e, I_CLASS, nd->value);
		break;
	case N_BOL:
		emit(e, I_BOL, 0);
		break;
	case N_EOL:
		emit(e, I_EOL, 0);
		break;
	case N_CAT:
		for (int c = nd->child; c >= 0 && !e->nomem; c = e->nodes[c].next)
			gen(e, c);
		break;
	case N_ALT: {
		// SPLIT L1 L2; L1: a; JMP end; L2: SPLIT ... ; last: z; end:
		int pending = -1; // a chain of JMPs to patch, linked through x
		for (int c = nd->child; c >= 0 && !e->nomem; c = e->nodes[c].next) {
			int split = -1;
			if (e->nodes[c].next >= 0)
				split = emit(e, I_SPLIT, 0);
			if (e->nomem)
				return;
			if (split >= 0)
				e->prog[split].x = split + 1;
			gen(e, c);
			if (split >= 0) {
				int j = emit(e, I_JMP, 0);
				if (e->nomem)
					return;
				e->prog[j].x = pending;
				pending = j;
				e->prog[split].y = e->n;
			}
		}
		while (pending >= 0 && !e->nomem) {
			int next = e->prog[pending].x;
			e->prog[pending].x = e->n;
			pending = next;
		}
		break;
	}
	case N_STAR: { // L1: SPLIT L2 L3; L2: a; JMP L1; L3:
		int split = emit(e, I_SPLIT, 0);
		gen(e, nd->child);
		int j = emit(e, I_JMP, 0);
		if (e->nomem)
			return;
		e->prog[j].x = split;
		e->prog[split].x = split + 1;
		e->prog[split].y = e->n;
		break;
	}
	case N_PLUS: { // L1: a; SPLIT L1 L3; L3:
		int start = e->n;
		gen(e, nd->child);
		int split = emit(e, I_SPLIT, 0);
		if (e->nomem)
			return;
		e->prog[split].x = start;
		e->prog[split].y = e->n;
		break;
	}
	case N_GROUP: // SAVE 2g; a; SAVE 2g+1
		emit(e, I_SAVE, 2 * nd->value);
		gen(e, nd->child);
		emit(e, I_SAVE, 2 * nd->value + 1);
		break;
	case N_INTERVAL: { // a{m,n}: a m times, then n-m optional copies (or a*)
		for (int k = 0; k < nd->min && !e->nomem; k++)
			gen(e, nd->child);
		if (nd->max < 0) { // L1: SPLIT L2 L3; L2: a; JMP L1; L3:
			int split = emit(e, I_SPLIT, 0);
			gen(e, nd->child);
			int j = emit(e, I_JMP, 0);
			if (e->nomem)
				return;
			e->prog[j].x = split;
			e->prog[split].x = split + 1;
			e->prog[split].y = e->n;
			break;
		}
		for (int k = nd->min; k < nd->max && !e->nomem; k++) {
			int split = emit(e, I_SPLIT, 0);
			gen(e, nd->child);
			if (e->nomem)
				return;
			e->prog[split].x = split + 1;
			e->prog[split].y = e->n;
		}
		break;
	}
	case N_QUEST: { // SPLIT L1 L2; L1: a; L2:
		int split = emit(e, I_SPLIT, 0);
		gen(e, nd->child);
		if (e->nomem)
			return;
		e->prog[split].x = split + 1;
		e->prog[split].y = e->n;
		break;
	}
	}
}

struct regex *regex_compile(const char *pattern, int flags, const char **err)
{
	struct parser ps = {.p = pattern,
			    .extended = !!(flags & REGEX_EXTENDED),
			    .icase = !!(flags & REGEX_ICASE)};
	struct emitter e = {0};
	struct regex *re = NULL;
	int root = parse_alt(&ps);
	if (root >= 0 && *ps.p) // a stray ')' in an ERE
		root = fail(&ps, "unmatched ) or \\)");
	if (root < 0) {
		*err = ps.err;
		goto out;
	}
	e.nodes = ps.nodes;
	gen(&e, root);
	emit(&e, I_MATCH, 0);
	re = e.nomem ? NULL : malloc(sizeof(*re));
	if (!re) {
		*err = NULL;
		free(e.prog);
		goto out;
	}
	re->prog = e.prog;
	re->nprog = e.n;
	re->classes = ps.classes;
	re->nclasses = ps.nclasses;
	re->icase = ps.icase;
	re->ngroups = ps.ngroups;
	re->scratch = malloc(sizeof(int) * ((size_t)e.n * 5 + 2));
	if (!re->scratch) {
		free(re);
		re = NULL;
		*err = NULL;
		free(e.prog);
		goto out;
	}
	ps.classes = NULL;
out:
	free(ps.nodes);
	free(ps.classes);
	return re;
}

void regex_free(struct regex *re)
{
	if (!re)
		return;
	free(re->prog);
	free(re->classes);
	free(re->scratch);
	free(re);
}

// ---- matching -------------------------------------------------------------

struct vm {
	const struct regex *re;
	int *mark;  // mark[pc] == gen: pc is already on the list being built
	int gen;
	int *stack; // for following SPLIT/JMP without recursion
};

// Add the thread at pc (and everything it reaches without consuming) to
// list at text position pos. Returns 1 if MATCH is reached.
static int add_thread(struct vm *vm, int *list, int *n, int pc, size_t pos,
		      size_t len)
{
	int sp = 0;
	vm->stack[sp++] = pc;
	while (sp > 0) {
		pc = vm->stack[--sp];
		if (vm->mark[pc] == vm->gen)
			continue;
		vm->mark[pc] = vm->gen;
		const struct inst *in = &vm->re->prog[pc];
		switch (in->op) {
		case I_MATCH:
			return 1;
		case I_JMP:
			vm->stack[sp++] = in->x;
			break;
		case I_SPLIT:
			vm->stack[sp++] = in->y;
			vm->stack[sp++] = in->x;
			break;
		case I_SAVE:
			vm->stack[sp++] = pc + 1;
			break;
		case I_BOL:
			if (pos == 0)
				vm->stack[sp++] = pc + 1;
			break;
		case I_EOL:
			if (pos == len)
				vm->stack[sp++] = pc + 1;
			break;
		default:
			list[(*n)++] = pc;
			break;
		}
	}
	return 0;
}

static int step_matches(const struct regex *re, const struct inst *in,
			unsigned char c)
{
	switch (in->op) {
	case I_CHAR:
		return (re->icase ? tolower(c) : c) == in->value;
	case I_ANY:
		return 1;
	case I_CLASS:
		return (re->classes[in->value][c >> 3] >> (c & 7)) & 1;
	default:
		return 0;
	}
}

int regex_search(const struct regex *re, const char *text, size_t len)
{
	int n = re->nprog;
	int *mem = re->scratch;
	int *clist = mem, *nlist = mem + n, ncl = 0, nnl = 0;
	// Each pc is marked once per list, and each marked pc pushes at most
	// two more: the stack never holds more than 2n + 1 entries.
	struct vm vm = {re, mem + 2 * n, 0, mem + 3 * n};
	for (int i = 0; i < n; i++)
		vm.mark[i] = -1;
	int matched = add_thread(&vm, clist, &ncl, 0, 0, len);
	for (size_t pos = 0; !matched && pos < len; pos++) {
		unsigned char c = (unsigned char)text[pos];
		vm.gen++;
		nnl = 0;
		for (int i = 0; i < ncl && !matched; i++) {
			const struct inst *in = &re->prog[clist[i]];
			if (step_matches(re, in, c))
				matched = add_thread(&vm, nlist, &nnl, clist[i] + 1,
						     pos + 1, len);
		}
		// An unanchored search: a match may also start at pos + 1.
		if (!matched)
			matched = add_thread(&vm, nlist, &nnl, 0, pos + 1, len);
		int *t = clist;
		clist = nlist;
		nlist = t;
		ncl = nnl;
	}
	return matched;
}

// ---- matching with positions (sed) ----------------------------------------
//
// A backtracking search that visits each (instruction, position) state at
// most once (RE2's "bit state"): a state reached a second time can only
// fail again, so the work is bounded by nprog * (len + 1) and the explicit
// stack replaces recursion. Threads are tried in priority order, so the
// match is the leftmost one, preferring longer repeats (greedy).

struct bt_frame {
	int pc;      // -1: restore caps[slot] to old
	size_t pos;
	int slot;
	long old;
};

int regex_ngroups(const struct regex *re)
{
	return re->ngroups;
}

// Small searches (sed runs one per line, or more with s///g) use buffers
// on the stack: a heap block of 2 KiB or more is whole pages, mapped and
// unmapped at each call (TLB shootdowns on every CPU).
#define BT_SMALL_FRAMES 32
#define BT_SMALL_SEEN 128 // bytes: 1024 states
#define BT_SMALL_SLOTS 20

int regex_exec(const struct regex *re, const char *text, size_t len, size_t from,
	       long *caps, int ncaps)
{
	struct bt_frame small_stack[BT_SMALL_FRAMES];
	unsigned char small_seen[BT_SMALL_SEEN];
	long small_slot[BT_SMALL_SLOTS];
	size_t nstates = (size_t)re->nprog * (len + 1);
	size_t seen_bytes = nstates / 8 + 1;
	unsigned char *seen = seen_bytes <= BT_SMALL_SEEN ? small_seen : calloc(seen_bytes, 1);
	if (seen == small_seen)
		memset(seen, 0, seen_bytes);
	size_t cap = BT_SMALL_FRAMES, sp = 0;
	struct bt_frame *stack = small_stack;
	int nslots = 2 * (re->ngroups + 1);
	long *slot = nslots <= BT_SMALL_SLOTS ? small_slot
					      : malloc(sizeof(long) * (size_t)nslots);
	int found = -1; // -1: out of memory
	if (!seen || !slot)
		goto out;
	found = 0;
	for (size_t start = from; start <= len && !found; start++) {
		for (int k = 0; k < nslots; k++)
			slot[k] = -1;
		slot[0] = (long)start;
		sp = 0;
		stack[sp++] = (struct bt_frame){0, start, 0, 0};
		while (sp > 0 && !found) {
			struct bt_frame f = stack[--sp];
			if (f.pc < 0) {
				slot[f.slot] = f.old;
				continue;
			}
			int pc = f.pc;
			size_t pos = f.pos;
			for (;;) {
				size_t bit = (size_t)pc * (len + 1) + pos;
				if (seen[bit / 8] & (1 << (bit % 8)))
					break;
				seen[bit / 8] |= (unsigned char)(1 << (bit % 8));
				const struct inst *in = &re->prog[pc];
				if (in->op == I_MATCH) {
					slot[1] = (long)pos;
					found = 1;
					break;
				}
				if (in->op == I_JMP) {
					pc = in->x;
					continue;
				}
				if (in->op == I_BOL || in->op == I_EOL) {
					if (pos != (in->op == I_BOL ? 0 : len))
						break;
					pc++;
					continue;
				}
				if (in->op == I_SPLIT || in->op == I_SAVE) {
					if (sp + 1 >= cap) {
						struct bt_frame *bigger =
							malloc(2 * cap * sizeof(*stack));
						if (!bigger) {
							found = -1;
							goto out;
						}
						memcpy(bigger, stack, sp * sizeof(*stack));
						if (stack != small_stack)
							free(stack);
						stack = bigger;
						cap *= 2;
					}
					if (in->op == I_SPLIT) {
						stack[sp++] = (struct bt_frame){in->y, pos, 0, 0};
						pc = in->x;
					} else {
						stack[sp++] = (struct bt_frame){-1, 0, in->value,
										slot[in->value]};
						slot[in->value] = (long)pos;
						pc++;
					}
					continue;
				}
				if (pos >= len || !step_matches(re, in, (unsigned char)text[pos]))
					break;
				pc++;
				pos++;
			}
		}
	}
	for (int k = 0; found == 1 && k < ncaps; k++)
		caps[k] = k < nslots ? slot[k] : -1;
out:
	if (seen != small_seen)
		free(seen);
	if (stack != small_stack)
		free(stack);
	if (slot != small_slot)
		free(slot);
	return found;
}
