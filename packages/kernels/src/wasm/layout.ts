/**
 * @file The memory map and the job descriptor layout, shared by the TypeScript that writes descriptors and
 * the AssemblyScript kernels (`asm/*.ts`) that read them: both import this one file. It must stay valid
 * AssemblyScript, so it holds only `export const NAME = <integer literal>;` lines (AssemblyScript makes
 * those i32 compile-time constants).
 *
 * A job descriptor is a run of i32 slots written by JS. Slots 0-4 are the same for every job (kind, an
 * unused slot, the tile count, and each thread's scratch space); the rest depend on the kind. Pointers are byte offsets into the one linear memory; strides count elements.
 */

// Memory map: the control block the thread pool synchronises on sits below the static data (the
// build passes `--memoryBase` = DATA_BASE); JS allocates its arena above `heapBase()`.
export const CTL_BASE = 1024;
export const CTL_WORDS = 80;
export const DATA_BASE = 2048;

// Control block slots (i32 index from CTL_BASE). Worker w (1-based) sets slot CTL_READY + w to 1 once it
// listens, then waits on slot CTL_JOB + w, where the main thread posts the job's sequence number for each
// job that worker is asked to help with. Tiles are claimed from CTL_CLAIM, one i64 (8-byte aligned) whose
// low word counts claimed tiles and whose high word is the sequence number of the job they belong to, so
// a worker that wakes late can never claim a tile of a later job. CTL_TILES is the current job's tile
// count (read from here, never from a descriptor that a finished job's arena may already reuse).
// CTL_FINISHED counts finished tiles: the main thread waits for that count, never for workers that found
// no tile left.
export const CTL_DESC = 0;
export const CTL_FINISHED = 1;
export const CTL_ERROR = 2;
export const CTL_QUIT = 3;
export const CTL_SEQ = 4;
export const CTL_CLAIM = 6;
export const CTL_TILES = 5;
/** Tiles run by workers (not the main thread) since the start, for tests and stats. */
export const CTL_HELPED = 8;
export const CTL_JOB = 16;
export const CTL_READY = 48;
/** The main thread plus at most 31 workers. */
export const MAX_THREADS = 32;

/**
 * Bytes at the start of each thread's scratch region: a 4x8 float edge buffer (SCR_TMP, 128), the C
 * target block of the tile being computed (SCR_TARGET, T_WORDS slots) and the packers' per-lane and
 * per-segment tables (SCR_LANES, up to 384); the packed A block and B panel follow, 64-byte aligned.
 */
export const SCRATCH_HEAD = 576;
export const SCR_TMP = 0;
export const SCR_TARGET = 128;
export const SCR_LANES = 192;

// C target block (in a thread's scratch, written per tile): where the GEMM driver stores C.
// OP_STRIDED: element (i, j) at `T_BASE + ((i - T_I0)*T_LD + (j - T_J0))*4`.
// OP_CM: the conv output `[N, O, HO, WO]` at T_BASE; row i = channel of group g, column j = (n, s).
export const T_KIND = 0;
export const T_BASE = 1;
export const T_LD = 2;
export const T_I0 = 3;
export const T_J0 = 4;
export const T_WORDS = 5;

// Job kinds.
export const JOB_GEMM = 1;
export const JOB_CONV_DX = 2;
export const JOB_SUM_PARTIALS = 3;
export const JOB_UNARY = 4;
export const JOB_BINARY = 5;
export const JOB_REDUCE = 6;
export const JOB_SOFTMAX = 7;
export const JOB_MAXPOOL = 8;
export const JOB_AVGPOOL = 9;
export const JOB_AVGPOOL_BACK = 10;
export const JOB_BATCHNORM = 11;
export const JOB_BATCHNORM_BACK = 12;

// Header slots of every descriptor.
export const D_KIND = 0;
// Slot 1 is unused (tiles are claimed from the control block's CTL_CLAIM).
export const D_TILES = 2;
export const D_SCRATCH = 3;
export const D_SCRATCH_BYTES = 4;

// GEMM: C = A·B (or C += A·B) over `batch` independent problems, tiled MT x NT, K split in R chunks.
export const G_M = 5;
export const G_N = 6;
export const G_K = 7;
export const G_BATCH = 8;
export const G_TILES_M = 9;
export const G_TILES_N = 10;
export const G_MT = 11;
export const G_NT = 12;
export const G_KC = 13;
export const G_MC = 14;
export const G_R = 15;
export const G_RLEN = 16;
export const G_ACC = 17;
export const G_A_KIND = 18;
export const G_A = 19;
export const G_A_RS = 20;
export const G_A_CS = 21;
export const G_A_BSTRIDE = 22;
export const G_A_BTABLE = 23;
export const G_B_KIND = 24;
export const G_B = 25;
export const G_B_RS = 26;
export const G_B_CS = 27;
export const G_B_BSTRIDE = 28;
export const G_B_BTABLE = 29;
export const G_C_KIND = 30;
export const G_C = 31;
export const G_C_LD = 32;
export const G_C_BSTRIDE = 33;
export const G_C_RSTRIDE = 34;
export const G_CONV = 35;
export const G_WORDS = 36;

// Operand kinds: how A and B panels are packed, and where C goes.
export const OP_STRIDED = 0;
export const OP_IM2COL = 1;
export const OP_IM2COL_T = 2;
export const OP_CM = 3;

// Conv geometry block (pointed to by G_CONV): NCHW input, OIHW weights, output [N, O, HO, WO].
export const CV_N = 0;
export const CV_C = 1;
export const CV_H = 2;
export const CV_W = 3;
export const CV_O = 4;
export const CV_CG = 5;
export const CV_OG = 6;
export const CV_KH = 7;
export const CV_KW = 8;
export const CV_HO = 9;
export const CV_WO = 10;
export const CV_SH = 11;
export const CV_SW = 12;
export const CV_PT = 13;
export const CV_PL = 14;
export const CV_DH = 15;
export const CV_DW = 16;
// conv2dBackpropInput tiles: channels and images per tile, the dx output and the dcol scratch offset.
export const CV_CPT = 17;
export const CV_IPT = 18;
export const CV_DX = 19;
export const CV_DCOL = 20;
export const CV_WORDS = 21;

// Sum of R partial results: out[e] = Σ_r src[r*len + e], tiles of CHUNK elements.
export const SP_SRC = 5;
export const SP_OUT = 6;
export const SP_LEN = 7;
export const SP_R = 8;
export const SP_CHUNK = 9;
export const SP_WORDS = 10;

// Elementwise (unary, binary/compare, where): output contiguous, inputs strided over a rank-6 shape.
export const E_OP = 5;
export const E_OUT = 6;
export const E_LEN = 7;
export const E_CHUNK = 8;
export const E_A = 9;
export const E_B = 10;
export const E_C = 11;
export const E_SHAPE = 12;
export const E_SA = 18;
export const E_SB = 24;
export const E_SC = 30;
export const E_WORDS = 36;
export const E_RANK = 6;

// Binary op codes (compare ops and `where` share the binary job).
export const BIN_ADD = 0;
export const BIN_SUB = 1;
export const BIN_MUL = 2;
export const BIN_DIV = 3;
export const BIN_POW = 4;
export const BIN_MAX = 5;
export const BIN_MIN = 6;
export const BIN_EQ = 7;
export const BIN_NE = 8;
export const BIN_LT = 9;
export const BIN_LE = 10;
export const BIN_GT = 11;
export const BIN_GE = 12;
export const BIN_WHERE = 13;

// Unary op codes.
export const UN_NEG = 0;
export const UN_ABS = 1;
export const UN_SIGN = 2;
export const UN_EXP = 3;
export const UN_EXPM1 = 4;
export const UN_LOG = 5;
export const UN_LOG1P = 6;
export const UN_SQRT = 7;
export const UN_RSQRT = 8;
export const UN_SQUARE = 9;
export const UN_RECIPROCAL = 10;
export const UN_SIN = 11;
export const UN_COS = 12;
export const UN_TANH = 13;
export const UN_SIGMOID = 14;
export const UN_RELU = 15;
export const UN_FLOOR = 16;
export const UN_CEIL = 17;
export const UN_ROUND = 18;

// Reduce (sum/max/min) over a collapsed rank-6 shape whose dims alternate kept/reduced.
export const R_OP = 5;
export const R_X = 6;
export const R_OUT = 7;
export const R_RANK = 8;
export const R_INNER_KEPT = 9;
export const R_CHUNK = 10;
export const R_OUT_LEN = 11;
export const R_SHAPE = 12;
export const R_RED = 18;
export const R_WORDS = 24;
export const RED_SUM = 0;
export const RED_MAX = 1;
export const RED_MIN = 2;

// Softmax / logSoftmax along an axis viewed as [outer, len, inner].
export const S_LOG = 5;
export const S_X = 6;
export const S_OUT = 7;
export const S_OUTER = 8;
export const S_LEN = 9;
export const S_INNER = 10;
export const S_CHUNK = 11;
export const S_WORDS = 12;

// Pooling over planes of [H, W] (N*C planes), tiles of CHUNK planes.
export const P_X = 5;
export const P_OUT = 6;
export const P_PLANES = 7;
export const P_H = 8;
export const P_W = 9;
export const P_KH = 10;
export const P_KW = 11;
export const P_HO = 12;
export const P_WO = 13;
export const P_SH = 14;
export const P_SW = 15;
export const P_PT = 16;
export const P_PL = 17;
export const P_DH = 18;
export const P_DW = 19;
export const P_INCLUDE_PAD = 20;
export const P_CHUNK = 21;
/** Max pooling's second output, the window maxima (P_OUT gets the indices). */
export const P_VALUES = 22;
export const P_WORDS = 23;

// Batch normalisation over x viewed as [N, C, L] (statistics per channel), tiles of CHUNK channels.
// Forward reads X, W, B and writes OUT (y), MEAN and VAR; backward reads DY, X, W, MEAN and VAR and writes
// OUT (dx), DW and DB. EPS points to one float32.
export const BN_X = 5;
export const BN_DY = 6;
export const BN_W = 7;
export const BN_B = 8;
export const BN_OUT = 9;
export const BN_MEAN = 10;
export const BN_VAR = 11;
export const BN_DW = 12;
export const BN_DB = 13;
export const BN_N = 14;
export const BN_C = 15;
export const BN_L = 16;
export const BN_EPS = 17;
export const BN_CHUNK = 18;
export const BN_WORDS = 19;
