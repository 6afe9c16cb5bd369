/*
 * optable.h: the op-type table, one row per op kind (gemm, eltwise, copy, ...).
 *
 * A row names the kind, lists its keys (name, type, range, default or required,
 * and where the value goes in the kind's own params struct) and gives its
 * functions. Every consumer works from the rows: the trace reader (parsing,
 * range checks, defaults, required keys, the duplicate-key check), the runner
 * (buffers, memory footprint, launch behaviour, start), the results (FLOPs,
 * dtype) and the generated reference `docs/trace.md` (`gpusim --help-trace`).
 *
 * Adding an op kind: one file pair `ops/op_<kind>.{c,h}` that defines the
 * params struct, the keys and the row (and, if no existing kernel fits, its
 * start function), one row in the table in optable.c, and the .c in
 * sim/meson.build. Nothing else names op kinds.
 *
 * Invariant: a trace_op's params point to a struct of its row's params_size
 * bytes, every key set (given or defaulted), and the row's check passed.
 */
#ifndef GPUSIM_OPTABLE_H
#define GPUSIM_OPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "trace/trace.h"

struct op_exec;
struct host;

typedef enum {
    KEY_INT,     /* integer in [lo, hi]; the field is a signed integer of 1, 2, 4 or 8 bytes */
    KEY_NUM,     /* number in [lo, hi]; the field is a double */
    KEY_CHOICE,  /* one of choices[] (NULL-terminated); the field (int) gets its index */
    KEY_DTYPE,   /* a data type name (trace.h dtype_id); the op's dtype in the results */
    KEY_CUSTOM,  /* parsed by parse(); `expect` says what it takes */
} op_key_type;

typedef struct op_key {
    const char *name;              /* as written in the trace: name=value */
    op_key_type type;
    uint16_t off, size;            /* where the value goes in the params struct, and its width */
    double lo, hi;                 /* KEY_INT, KEY_NUM: accepted range (exact in a double up to 2^53) */
    int required;                  /* 1: an error when absent ("KEY: required by KIND") */
    double def;                    /* when absent and not required (KEY_CHOICE, KEY_DTYPE: the index);
                                      not range-checked: 0 may mean "the simulator chooses" */
    const char *def_doc;           /* the default as the reference shows it; NULL: def */
    const char *const *choices;    /* KEY_CHOICE */
    int (*parse)(void *params, const char *value); /* KEY_CUSTOM: 0, or GPUSIM_EINPUT for a bad value */
    const char *expect;            /* KEY_CUSTOM: what it takes ("MxNxK ..."); KEY_NUM: unit after the range */
    const char *doc;               /* meaning, for docs/trace.md */
} op_key;

/* What the runner places for an op (bytes; 0 = none). Placed in this order:
 * extra, then input, then output. */
typedef struct op_buffers {
    uint64_t extra_bytes;  /* fresh operand besides the input (gemm's B, eltwise's inputs after the first,
                              layernorm's gamma and beta): op_exec.w_addr (= in2_addr) */
    uint64_t in_bytes;     /* first input: the stream's previous output when that is large enough (a layer
                              reads what the last one wrote), else fresh: op_exec.in_addr */
    uint64_t out_bytes;    /* output, fresh; the next op on the stream may read it: op_exec.out_addr */
} op_buffers;

enum {
    OPF_KERNEL = 1u << 0,      /* runs on the SMs: pays the host's launch gap/latency and the kernel tail */
    OPF_TIMED_INSIDE = 1u << 1,/* a microbenchmark timed inside its kernel: no kernel tail */
    OPF_BLOCKS_HOST = 1u << 2, /* the host waits until it finishes (a pageable copy) */
    OPF_WAIT_ALL = 1u << 3,    /* host op: the host waits until every stream is idle (sync) */
    OPF_WORD = 1u << 4,        /* written `KIND WORD`: one bare word, the value of its only key (a
                                  KEY_CHOICE); no name= or stream=; named KIND_WORD */
};

typedef int (*op_start_fn)(struct op_exec *ex, uint64_t t, char *err, size_t errlen);

typedef struct op_type {
    const char *name;          /* the first word of a trace line */
    const char *syntax;        /* one example line for the reference */
    const char *doc;           /* what it models, for the reference */
    const op_key *keys;        /* besides name=, stream= and repeat=, which every op takes */
    size_t nkeys;              /* at most OP_MAX_KEYS */
    size_t params_size;        /* sizeof the kind's params struct (0: none) */
    unsigned flags;            /* OPF_* */
    int host_call;             /* what an eager launch calls on the host (host/host.h host_call;
                                  0 = HOST_CALL_KERNEL, a framework kernel launch) */
    /* Trace reader; each may be NULL. */
    int (*check)(const void *p, char *msg, size_t len);  /* cross-key checks; GPUSIM_EINPUT with msg */
    double (*flops)(const void *p);                      /* NULL: none */
    uint64_t (*footprint)(const void *p);                /* device bytes it touches (refused if more than
                                                            gpu.memory_gib); NULL: none */
    /* Runner; each may be NULL. */
    void (*buffers)(const void *p, op_buffers *b);       /* NULL: no buffers */
    unsigned (*dyn_flags)(const void *p);                /* flags that depend on the params, or'ed to flags */
    int (*fits)(const gpu_config *cfg, const void *p, char *msg, size_t len); /* can this machine run it;
                                                            GPUSIM_EINPUT with msg ("KIND: ..."), before the run */
    op_start_fn start;         /* NULL: a host op (no device work; a result row with bound "-") */
    void (*host)(struct host *h, const void *p);         /* host op: its effect on the host (mode) */
} op_type;

#define OP_MAX_KEYS 30         /* the duplicate-key check is a 64-bit mask with name, stream and repeat */

/* Key rows; T is the params struct, f its field. */
#define OP_F(T, f) (uint16_t)offsetof(T, f), (uint16_t)sizeof(((T *)0)->f)
#define OP_INT(T, f, key, lo, hi, def, def_doc, doc) { key, KEY_INT, OP_F(T, f), lo, hi, 0, def, def_doc, NULL, NULL, NULL, doc }
#define OP_INT_REQ(T, f, key, lo, hi, doc) { key, KEY_INT, OP_F(T, f), lo, hi, 1, 0, NULL, NULL, NULL, NULL, doc }
#define OP_NUM(T, f, key, lo, hi, def, unit, doc) { key, KEY_NUM, OP_F(T, f), lo, hi, 0, def, NULL, NULL, NULL, unit, doc }
#define OP_CHOICE(T, f, key, choices, def, doc) { key, KEY_CHOICE, OP_F(T, f), 0, 0, 0, def, NULL, choices, NULL, NULL, doc }
#define OP_CHOICE_REQ(T, f, key, choices, doc) { key, KEY_CHOICE, OP_F(T, f), 0, 0, 1, 0, NULL, choices, NULL, NULL, doc }
#define OP_DTYPE(T, f, def, doc) { "dtype", KEY_DTYPE, OP_F(T, f), 0, 0, 0, def, NULL, NULL, NULL, NULL, doc }
#define OP_CUSTOM(key, parse, expect, def_doc, doc) { key, KEY_CUSTOM, 0, 0, 0, 0, 0, 0, def_doc, NULL, parse, expect, doc }
#define OP_KEYS(k) k, sizeof k / sizeof k[0]

/* Where an operand lives (`src=` / `dst=` of eltwise and gemm): device memory, or mapped pinned
 * host memory that a kernel reads or writes over PCIe (zero-copy, arch/pcie.h). */
enum { OP_MEM_DEVICE, OP_MEM_HOST };
extern const char *const op_mem_choices[]; /* "device", "host" */

/* The table. */
size_t op_type_count(void);
const op_type *op_type_at(size_t i);
/* The row named name, or NULL; *index gets its position (may be NULL). */
const op_type *op_type_find(const char *name, size_t *index);
static inline const op_type *op_type_of(const trace_op *op) { return op_type_at(op->kind); }

/* Cross-key check shared by the row-wise kinds (layernorm, softmax): rows x cols at most 2^50
 * elements and a floating-point dtype the kernels take (fp16, bf16, fp32). 0, or GPUSIM_EINPUT with msg. */
int op_check_rows(const char *kind, int64_t rows, int64_t cols, dtype_id dt, char *msg, size_t len);

/* The integer (KEY_INT, KEY_CHOICE, KEY_DTYPE) field of key k in params, whatever its width. */
void op_key_set_int(void *params, const op_key *k, int64_t v);
int64_t op_key_get_int(const void *params, const op_key *k);

/* FLOPs of an op (2mnk for gemm; 0 if its kind does no arithmetic). */
double op_flops(const trace_op *op);
/* The op's data type (its KEY_DTYPE key), or -1 if its kind has none. */
int op_dtype(const trace_op *op);
/* Device bytes the op touches (0 if its kind says nothing). */
uint64_t op_footprint(const trace_op *op);
/* Its row's flags with those that depend on its params. */
unsigned op_flags(const trace_op *op);

#endif
