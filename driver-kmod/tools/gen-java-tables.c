/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * Prints the Java mirror of the event ABI (sysql_event_table.h,
 * sysql_syscall_table.h, sysql_flag_tables.h) as one Java source file:
 *
 *   gen-java-tables PACKAGE > EventTables.java
 *
 * The C headers are the one definition; the capture module runs this at
 * build time, so Java never holds a hand-copied table or constant: besides
 * the tables it prints every event code (EVENT_<ID>), the event flags
 * (EF_*), categories (EC_*), parameter types (PT_*) and every value a flag
 * table names (O_*, CL_*, FCNTL_*, RLIMIT_* ...), named as the headers name
 * them without SQ_.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysql_probe.h"

struct param {
	const char *name;
	int type;
	int fmt;
	const char *info_kind;
	const char *info_name;
	int info_arg;
};
struct event {
	int defined;
	const char *id;
	const char *name;
	int category;
	int flags;
	int nparams;
	int nlisted;
	struct param params[SQ_MAX_EVENT_PARAMS];
};

#define SQ_INFO_NONE "none", "", 0
#define SQ_INFO_DIRFD(n) "dirfd", "", n
#define SQ_INFO_FLAGS(t) "flags", #t, 0
#define SQ_INFO_DYN(t, n) "dyn", #t, n
#define SQ_P(n, t, f, i)   \
	{                  \
		n, t, f, i \
	}
#define SQ_UNPACK(...) __VA_ARGS__
#define SQ_COUNT(...) (sizeof((struct param[]){{0}, __VA_ARGS__}) / sizeof(struct param) - 1)
#define SQ_EVENT(code, id, name, cat, flags, n, params) \
	[code] = {1, #id, name, cat, flags, n, SQ_COUNT params, {SQ_UNPACK params}},
static const struct event events[SQ_EVENT_CODE_LIMIT] = {
#include "sysql_event_table.h"
};
#undef SQ_EVENT

struct syscall {
	int nr;
	const char *name;
	int sc;
	int enter;
	int flags;
};
#define SQ_SYSCALL(nr, name, sc, event, flags, enter_filler, exit_filler) \
	{nr, #name, SQ_SC_##sc, SQE_##event##_E, flags},
static const struct syscall syscalls[] = {
#include "sysql_syscall_table.h"
};
#undef SQ_SYSCALL

struct sc {
	int code;
	const char *name;
	int category;
};
#define SQ_SC(code, id, name, cat) {code, name, cat},
static const struct sc scs[] = {
#include "sysql_syscall_table.h"
};
#undef SQ_SC

struct nv {
	const char *name;
	const char *macro; /* the value as the table spells it: the header's SQ_ name */
	long long value;
};
struct flag_table {
	const char *name;
	const struct nv *rows;
	int n;
};
#define SQ_NV(n, v)                   \
	{                             \
		n, #v, (long long)(v) \
	}
#define SQ_FLAG_TABLE(t, rows) static const struct nv t##_rows[] = {SQ_UNPACK rows};
#include "sysql_flag_tables.h"
#undef SQ_FLAG_TABLE
#define SQ_FLAG_TABLE(t, rows) {#t, t##_rows, (int)(sizeof(t##_rows) / sizeof(t##_rows[0]))},
static const struct flag_table flag_tables[] = {
#include "sysql_flag_tables.h"
};
#undef SQ_FLAG_TABLE

struct dyn {
	int index;
	int type;
	int fmt;
};
struct dyn_table {
	const char *name;
	const struct dyn *rows;
	int n;
};
#define SQ_DYN(i, t, f) \
	{               \
		i, t, f \
	}
#define SQ_DYN_TABLE(t, rows) static const struct dyn t##_dyn[] = {SQ_UNPACK rows};
#include "sysql_flag_tables.h"
#undef SQ_DYN_TABLE
#define SQ_DYN_TABLE(t, rows) {#t, t##_dyn, (int)(sizeof(t##_dyn) / sizeof(t##_dyn[0]))},
static const struct dyn_table dyn_tables[] = {
#include "sysql_flag_tables.h"
};

/*
 * Named values of the ABI, exported to Java under their header name without
 * the SQ_ prefix (which is sysdig's name without PPM_): SQ_EF_USES_FD is
 * EF_USES_FD, SQ_FCNTL_F_DUPFD_CLOEXEC is FCNTL_F_DUPFD_CLOEXEC.
 */
struct named {
	const char *macro;
	long long value;
};
#define SQ_NAMED(m)                \
	{                          \
#m, (long long)(m) \
	}
static const struct named named[] = {
	/* Event flags (sysdig's EF_*). */
	SQ_NAMED(SQ_EF_NONE),
	SQ_NAMED(SQ_EF_CREATES_FD),
	SQ_NAMED(SQ_EF_DESTROYS_FD),
	SQ_NAMED(SQ_EF_USES_FD),
	SQ_NAMED(SQ_EF_READS_FROM_FD),
	SQ_NAMED(SQ_EF_WRITES_TO_FD),
	SQ_NAMED(SQ_EF_MODIFIES_STATE),
	SQ_NAMED(SQ_EF_UNUSED),
	SQ_NAMED(SQ_EF_WAITS),
	SQ_NAMED(SQ_EF_SKIPPARSERESET),
	SQ_NAMED(SQ_EF_OLD_VERSION),
	SQ_NAMED(SQ_EF_DROP_SIMPLE_CONS),
	SQ_NAMED(SQ_EF_LARGE_PAYLOAD),
	/* Values no flag table names. */
	SQ_NAMED(SQ_AT_FDCWD),
	SQ_NAMED(SQ_MAX_EVENT_PARAMS),
	SQ_NAMED(SQ_SOCKTUPLE_IPV4_LEN),
	SQ_NAMED(SQ_SOCKTUPLE_IPV6_LEN),
	SQ_NAMED(SQ_SOCKADDR_IPV4_LEN),
	SQ_NAMED(SQ_SOCKADDR_IPV6_LEN),
};

static const char *exported[2048];
static long long exported_value[2048];
static int nexported;

/* Prints one Java constant named after a header macro (SQ_ dropped), once. */
static void constant(const char *macro, long long value)
{
	if (strncmp(macro, "SQ_", 3) != 0 || !macro[3] ||
	    strspn(macro, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
		    strlen(macro))
		return; /* not a plain header name (an expression): nothing to call it */
	const char *name = macro + 3;
	for (int i = 0; i < nexported; i++) {
		if (strcmp(exported[i], name) == 0) {
			if (exported_value[i] == value)
				return;
			fprintf(stderr, "gen-java-tables: %s is both %lld and %lld\n", name,
				exported_value[i], value);
			exit(1);
		}
	}
	if (nexported == (int)(sizeof(exported) / sizeof(exported[0]))) {
		fprintf(stderr, "gen-java-tables: more than %d named values\n", nexported);
		exit(1);
	}
	exported[nexported] = name;
	exported_value[nexported++] = value;
	if (value >= INT32_MIN && value <= INT32_MAX)
		printf("    public static final int %s = %lld;\n", name, value);
	else
		printf("    public static final long %s = %lldL;\n", name, value);
}

static void jstr(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-java-tables PACKAGE\n");
		return 2;
	}
	printf("// Generated by driver-kmod/tools/gen-java-tables.c from driver-kmod/include/*.h. "
	       "Do not edit.\n");
	printf("package %s;\n\n", argv[1]);
	printf("/** The event ABI's tables, mirrored from the C headers at build time. */\n");
	printf("public final class EventTables {\n    private EventTables() {}\n\n");
	printf("    public static final int EVENT_CODE_LIMIT = %d;\n", SQ_EVENT_CODE_LIMIT);
	_Static_assert(sizeof(struct sq_evt_hdr) == SQ_EVT_HDR_LEN, "the header is packed");
	printf("    /** Length of an event's header ({@code struct sq_evt_hdr}). */\n");
	printf("    public static final int HEADER_LEN = %d;\n", SQ_EVT_HDR_LEN);
	printf("    /** Length of the header of old capture files' events, which lack nparams: the "
	       "header up to nparams. */\n");
	printf("    public static final int OLD_HEADER_LEN = %d;\n",
	       (int)offsetof(struct sq_evt_hdr, nparams));
	printf("    public static final int SNAPLEN_DEFAULT = %d;\n", SQ_SNAPLEN_DEFAULT);
	printf("    public static final int SNAPLEN_MAX = %d;\n", SQ_SNAPLEN_MAX);
	printf("    public static final int EVENT_MAX_SIZE = %d;\n", SQ_EVENT_MAX_SIZE);
	printf("    public static final int SYSCALL_TABLE_SIZE = %d;\n", SQ_SYSCALL_TABLE_SIZE);
	printf("    public static final int PID_FILTER_MAX = %d;\n\n", SQ_PID_FILTER_MAX);

	/* Parameter type codes, named as in sysql_event.h. */
	static const struct {
		int code;
		const char *name;
	} types[] = {
		{SQ_PT_NONE, "NONE"},
		{SQ_PT_INT8, "INT8"},
		{SQ_PT_INT16, "INT16"},
		{SQ_PT_INT32, "INT32"},
		{SQ_PT_INT64, "INT64"},
		{SQ_PT_UINT8, "UINT8"},
		{SQ_PT_UINT16, "UINT16"},
		{SQ_PT_UINT32, "UINT32"},
		{SQ_PT_UINT64, "UINT64"},
		{SQ_PT_CHARBUF, "CHARBUF"},
		{SQ_PT_BYTEBUF, "BYTEBUF"},
		{SQ_PT_ERRNO, "ERRNO"},
		{SQ_PT_SOCKADDR, "SOCKADDR"},
		{SQ_PT_SOCKTUPLE, "SOCKTUPLE"},
		{SQ_PT_FD, "FD"},
		{SQ_PT_PID, "PID"},
		{SQ_PT_FDLIST, "FDLIST"},
		{SQ_PT_FSPATH, "FSPATH"},
		{SQ_PT_SYSCALLID, "SYSCALLID"},
		{SQ_PT_SIGTYPE, "SIGTYPE"},
		{SQ_PT_RELTIME, "RELTIME"},
		{SQ_PT_ABSTIME, "ABSTIME"},
		{SQ_PT_PORT, "PORT"},
		{SQ_PT_L4PROTO, "L4PROTO"},
		{SQ_PT_SOCKFAMILY, "SOCKFAMILY"},
		{SQ_PT_BOOL, "BOOL"},
		{SQ_PT_IPV4ADDR, "IPV4ADDR"},
		{SQ_PT_DYN, "DYN"},
		{SQ_PT_FLAGS8, "FLAGS8"},
		{SQ_PT_FLAGS16, "FLAGS16"},
		{SQ_PT_FLAGS32, "FLAGS32"},
		{SQ_PT_UID, "UID"},
		{SQ_PT_GID, "GID"},
		{SQ_PT_DOUBLE, "DOUBLE"},
		{SQ_PT_SIGSET, "SIGSET"},
		{SQ_PT_CHARBUFARRAY, "CHARBUFARRAY"},
		{SQ_PT_CHARBUF_PAIR_ARRAY, "CHARBUF_PAIR_ARRAY"},
		{SQ_PT_IPV4NET, "IPV4NET"},
		{SQ_PT_IPV6ADDR, "IPV6ADDR"},
		{SQ_PT_IPV6NET, "IPV6NET"},
		{SQ_PT_IPADDR, "IPADDR"},
		{SQ_PT_IPNET, "IPNET"},
		{SQ_PT_MODE, "MODE"},
		{SQ_PT_FSRELPATH, "FSRELPATH"},
	};
	_Static_assert(sizeof(types) / sizeof(types[0]) == SQ_PT_MAX,
		       "every parameter type has a Java name");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		printf("    public static final int PT_%s = %d;\n", types[i].name, types[i].code);
	printf("\n");
	static const struct {
		int code;
		const char *name;
	} cats[] = {
		{SQ_EC_UNKNOWN, "UNKNOWN"},
		{SQ_EC_OTHER, "OTHER"},
		{SQ_EC_FILE, "FILE"},
		{SQ_EC_NET, "NET"},
		{SQ_EC_IPC, "IPC"},
		{SQ_EC_MEMORY, "MEMORY"},
		{SQ_EC_PROCESS, "PROCESS"},
		{SQ_EC_SLEEP, "SLEEP"},
		{SQ_EC_SYSTEM, "SYSTEM"},
		{SQ_EC_SIGNAL, "SIGNAL"},
		{SQ_EC_USER, "USER"},
		{SQ_EC_TIME, "TIME"},
		{SQ_EC_PROCESSING, "PROCESSING"},
		{SQ_EC_IO_READ, "IO_READ"},
		{SQ_EC_IO_WRITE, "IO_WRITE"},
		{SQ_EC_IO_OTHER, "IO_OTHER"},
		{SQ_EC_WAIT, "WAIT"},
		{SQ_EC_SCHEDULER, "SCHEDULER"},
		{SQ_EC_INTERNAL, "INTERNAL"},
	};
	for (size_t i = 0; i < sizeof(cats) / sizeof(cats[0]); i++)
		printf("    public static final int EC_%s = %d;\n", cats[i].name, cats[i].code);
	printf("\n");
	/* Named values: the event flags, then every value a flag table names. */
	printf("    // Named values, as sysql_flags.h / sysql_event.h name them without SQ_ "
	       "(sysdig's names without PPM_): event flags (EF_*), then the values of the flag "
	       "tables (AF_*, O_*, CL_*, FCNTL_*, RLIMIT_*, S_* ...).\n");
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		constant(named[i].macro, named[i].value);
	for (size_t i = 0; i < sizeof(flag_tables) / sizeof(flag_tables[0]); i++)
		for (int j = 0; j < flag_tables[i].n; j++)
			constant(flag_tables[i].rows[j].macro, flag_tables[i].rows[j].value);
	printf("\n");

	/* The event flags' names by bit (sysdig -L prints them so). */
	const char *ef_names[32] = {0};
	int nef = 0;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		long long v = named[i].value;
		if (strncmp(named[i].macro, "SQ_EF_", 6) != 0 || v == 0)
			continue;
		int bit = __builtin_ctzll((unsigned long long)v);
		if (bit >= 32 || v != 1LL << bit || ef_names[bit]) {
			fprintf(stderr, "gen-java-tables: %s is not a bit of its own\n",
				named[i].macro);
			return 1;
		}
		ef_names[bit] = named[i].macro + 6;
		if (bit >= nef)
			nef = bit + 1;
	}
	printf("    /** The event flags' names (EF_* without EF_) by bit: the name of 1 << i at i. "
	       "*/\n");
	printf("    public static java.util.List<String> eventFlagNames() {\n");
	printf("        return java.util.List.of(");
	for (int i = 0; i < nef; i++) {
		if (!ef_names[i]) {
			fprintf(stderr, "gen-java-tables: no event flag is 1 << %d\n", i);
			return 1;
		}
		printf("%s", i ? ", " : "");
		jstr(ef_names[i]);
	}
	printf(");\n    }\n\n");

	/* Event codes: EVENT_<ID> = code, as the SQE_<ID> enum of sysql_event.h. */
	printf("    // Event codes (sysql_event.h's SQE_<ID>, sysdig's PPME_<ID>).\n");
	for (int code = 0; code < SQ_EVENT_CODE_LIMIT; code++)
		if (events[code].defined)
			printf("    public static final int EVENT_%s = %d;\n", events[code].id,
			       code);
	printf("\n");

	/* Events: {code, id, name, category, flags, nparams} and their params. */
	printf("    /** code, id, name, category, flags, nparams; params as {name, type, format, "
	       "infoKind, infoName, infoArg}. */\n");
	/* Split into chunks: a Java method's bytecode is limited to 64 KiB. */
	int chunk = 0, in_chunk = 0;
	printf("    private static void events0(EventSink sink) {\n");
	for (int code = 0; code < SQ_EVENT_CODE_LIMIT; code++) {
		const struct event *e = &events[code];
		if (!e->defined)
			continue;
		if (in_chunk == 32) {
			printf("    }\n    private static void events%d(EventSink sink) {\n",
			       ++chunk);
			in_chunk = 0;
		}
		in_chunk++;
		printf("        sink.event(%d, ", code);
		jstr(e->id);
		printf(", ");
		jstr(e->name);
		printf(", %d, %d, %d, new Object[][] {", e->category, e->flags, e->nparams);
		for (int i = 0; i < e->nlisted; i++) {
			const struct param *p = &e->params[i];
			printf("%s{", i ? ", " : "");
			jstr(p->name);
			printf(", %d, %d, ", p->type, p->fmt);
			jstr(p->info_kind);
			printf(", ");
			jstr(p->info_name);
			printf(", %d}", p->info_arg);
		}
		printf("});\n");
	}
	printf("    }\n\n    public static void events(EventSink sink) {\n");
	for (int i = 0; i <= chunk; i++)
		printf("        events%d(sink);\n", i);
	printf("    }\n\n");

	printf("    /** x86_64 syscalls: nr, native name, sysdig syscall code, enter event code, "
	       "flags. */\n");
	printf("    public static void syscalls(SyscallSink sink) {\n");
	for (size_t i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++) {
		const struct syscall *s = &syscalls[i];
		printf("        sink.syscall(%d, ", s->nr);
		jstr(s->name);
		printf(", %d, %d, %d);\n", s->sc, s->enter, s->flags);
	}
	printf("    }\n\n");

	printf("    /** sysdig syscall codes, their names and categories (EC_*: what their generic "
	       "events' evt.category is). */\n");
	printf("    public static void syscallCodes(SyscallCodeSink sink) {\n");
	for (size_t i = 0; i < sizeof(scs) / sizeof(scs[0]); i++) {
		printf("        sink.code(%d, ", scs[i].code);
		jstr(scs[i].name);
		printf(", %d);\n", scs[i].category);
	}
	printf("    }\n\n");

	printf("    /** Flag name tables: table name, then (name, value) rows in match order. "
	       "*/\n");
	printf("    public static void flagTables(FlagTableSink sink) {\n");
	for (size_t i = 0; i < sizeof(flag_tables) / sizeof(flag_tables[0]); i++) {
		const struct flag_table *t = &flag_tables[i];
		printf("        sink.table(");
		jstr(t->name);
		printf(", new String[] {");
		for (int j = 0; j < t->n; j++) {
			printf("%s", j ? ", " : "");
			jstr(t->rows[j].name);
		}
		printf("}, new long[] {");
		for (int j = 0; j < t->n; j++)
			printf("%s%lldL", j ? ", " : "", t->rows[j].value);
		printf("});\n");
	}
	printf("    }\n\n");

	printf("    /** Dynamic parameter tables: table name, then per index {type, format}. */\n");
	printf("    public static void dynTables(DynTableSink sink) {\n");
	for (size_t i = 0; i < sizeof(dyn_tables) / sizeof(dyn_tables[0]); i++) {
		const struct dyn_table *t = &dyn_tables[i];
		printf("        sink.table(");
		jstr(t->name);
		printf(", new int[][] {");
		for (int j = 0; j < t->n; j++)
			printf("%s{%d, %d, %d}", j ? ", " : "", t->rows[j].index, t->rows[j].type,
			       t->rows[j].fmt);
		printf("});\n");
	}
	printf("    }\n\n");

	printf("    public interface EventSink { void event(int code, String id, String name, int "
	       "category, int flags, int nparams, Object[][] params); }\n");
	printf("    public interface SyscallSink { void syscall(int nr, String name, int "
	       "syscallCode, int enterEvent, int flags); }\n");
	printf("    public interface SyscallCodeSink { void code(int code, String name, int "
	       "category); }\n");
	printf("    public interface FlagTableSink { void table(String name, String[] names, "
	       "long[] values); }\n");
	printf("    public interface DynTableSink { void table(String name, int[][] rows); }\n");
	printf("}\n");
	return 0;
}
