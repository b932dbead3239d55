// The fast engines' kernels: one mini-batch step of the multi-layer perceptron, in one C source
// that builds twice — to WebAssembly SIMD (deno task build-wasm, embedded in mlp_wasm.ts) and to
// the machine's own code (the native engine compiles it on first use with cc, gcc or clang).
//
// The same mathematics as lib/nn/, arranged for speed:
// - the first layer reads only the non-zero input pixels (about 19% of MNIST), in the forward
//   product (row-wise lists) and in its weight gradient (column-wise lists);
// - no gradient is computed for the input itself;
// - bias and activation are fused into the product that makes each layer's output;
// - each weight gradient is formed in registers one weight row at a time and applied at once with
//   the optimizer's rule, so it is never stored;
// - vectors of VL floats over the output units everywhere (the last one partial for odd sizes),
//   and the dense layers four batch rows at a time, so each weight is loaded once for four;
// - threads (Web Workers, or POSIX threads natively) split the batch rows for the forward pass
//   and the deltas, then the weight rows for the update. Every sum keeps the same order whatever
//   the thread count, so the results are bit-identical on 1 thread or 4.
//
// Portability: the kernels are written with GCC/Clang vector extensions (`vf`, VL lanes: 4 in
// WebAssembly, 16 with AVX-512, 8 with AVX, else 4), which both compilers turn into the target's
// widest instructions. What differs per target sits in the small layer below: the fused
// multiply-add, rounding, the mask of non-zero lanes (one compare where the target has one), and
// how a thread sleeps and wakes.

#if defined(__wasm__)
#include <wasm_simd128.h>
#else
#include <pthread.h>
#include <stdlib.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif
#include <string.h>
#endif

#if defined(__wasm__)
#define VL 4
#elif defined(__AVX512F__)
#define VL 16
#elif defined(__AVX__)
#define VL 8
#else
#define VL 4
#endif

// What the TypeScript side may call: exported from the WebAssembly module, or visible in the
// shared library.
#if defined(__wasm__)
#define EXPORT_AS(name) __attribute__((export_name(#name)))
#else
#define EXPORT_AS(name) __attribute__((visibility("default")))
#endif

typedef float vf __attribute__((vector_size(VL * 4)));
typedef int vi __attribute__((vector_size(VL * 4)));

static inline vf load(const float* p) { vf v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline void store(float* p, vf v) { __builtin_memcpy(p, &v, sizeof v); }
static inline vf splat(float x) { vf v = {0}; return v + x; }

// a·b + c, fused where the target fuses it (relaxed SIMD in WebAssembly, FMA natively): the same
// on every run and every thread count of one machine.
static inline vf madd(vf a, vf b, vf c) {
#if defined(__wasm__)
  return (vf)__builtin_wasm_relaxed_madd_f32x4(a, b, c);
#else
  return a * b + c;
#endif
}
static inline vf blend(vi mask, vf yes, vf no) { return (vf)((mask & (vi)yes) | (~mask & (vi)no)); }
// Maximum and minimum that keep a NaN in `a`, as WebAssembly's do: a diverging run must show NaN,
// not hide it behind a ReLU.
static inline vf vmax(vf a, vf b) { return blend((a > b) | (a != a), a, b); }
static inline vf vmin(vf a, vf b) { return blend((a < b) | (a != a), a, b); }
static inline vf vsqrt(vf a) {
  for (int i = 0; i < VL; i++) a[i] = __builtin_sqrtf(a[i]);
  return a;
}
// Bit i set where lane i of x is not zero.
static inline int nonzero_lanes(vf x) {
#if defined(__wasm__)
  return wasm_i32x4_bitmask(wasm_f32x4_ne(x, wasm_f32x4_splat(0.0f)));
#elif defined(__AVX512F__)
  return _mm512_cmp_ps_mask((__m512)x, _mm512_setzero_ps(), _CMP_NEQ_UQ);
#elif defined(__AVX__)
  return _mm256_movemask_ps(_mm256_cmp_ps((__m256)x, _mm256_setzero_ps(), _CMP_NEQ_UQ));
#else
  int mask = 0;
  for (int i = 0; i < VL; i++) mask |= (x[i] != 0.0f) << i;
  return mask;
#endif
}

#define MAX_LAYERS 7

#if defined(__wasm__)
// clang may turn copy loops into calls to these; there is no C library in WebAssembly.
void* memcpy(void* to, const void* from, unsigned long n) {
  unsigned char* t = to;
  const unsigned char* f = from;
  while (n--) *t++ = *f++;
  return to;
}
void* memset(void* to, int value, unsigned long n) {
  unsigned char* t = to;
  while (n--) *t++ = (unsigned char)value;
  return to;
}
#endif

#define MAX_THREADS 4

typedef struct {
  int layers;    // number of weight layers L
  int hidden;    // 0 sigmoid, 1 relu, 2 tanh
  int capacity;  // most rows in a batch
  int sizes[MAX_LAYERS + 1];
  float* weights[MAX_LAYERS];     // sizes[l] x sizes[l+1], row-major
  float* biases[MAX_LAYERS];      // sizes[l+1]
  float* velocityW[MAX_LAYERS];   // like weights
  float* velocityB[MAX_LAYERS];   // like biases
  float* activations[MAX_LAYERS + 1];  // capacity x sizes[l]; [0] is the input batch
  float* deltas[MAX_LAYERS + 1];       // capacity x sizes[l], l >= 1
  int* rowCount;    // capacity: non-zero inputs of each batch row
  int* rowIndex;    // capacity x sizes[0]: their columns, row r at r * sizes[0] (see rowValue)
  int* colStart[MAX_THREADS];   // sizes[0] + 1 per thread: CSC of the thread's own columns
  int* colRow[MAX_THREADS];     // capacity x sizes[0] per thread, then 2 x capacity of scratch
  float* colValue[MAX_THREADS]; // capacity x sizes[0] per thread
  // The job of the current batch, set by the caller and run_batch, read by every thread.
  int threads;
  int rows;
  int mode;  // 1: forward only, on activations[0]; 2: train on training rows `indices`;
             // 3: train on the rows in activations[0] (augmented images)
  float learningRate, momentum, weightDecay;
  const unsigned* indices;  // the batch's training rows (mode 2)
  const unsigned char* labels;
  // Synchronisation: a generation counter that starts a job, a barrier, and a stop flag.
  int go;
  int barrierCount;
  int barrierGeneration;
  int stop;
  int failed;  // set by a worker that trapped (WebAssembly): barriers stop waiting
  float* transposed[MAX_LAYERS];  // sizes[l+1] x sizes[l]: W_l transposed, for l >= 1
  const float* zeros;             // as many zeros as the widest layer
  float* rowValue;                // capacity x sizes[0]: the values of the non-zero inputs
  // Where each batch row's non-zero inputs are listed: in rowIndex/rowValue (rows scanned from
  // activations[0]) or in the training set's own lists, made once per run (dataStart/Index/Value).
  const int** rowIndexOf;   // capacity
  const float** rowValueOf; // capacity
  const int* dataStart;     // training rows + 1: where each row's list starts
  const int* dataIndex;     // the columns of every training row's non-zero inputs
  const float* dataValue;   // and their values
  // The update rule: 0 plain descent or momentum, 1 Nesterov, 2 RMSProp, 3 Adam, 4 AdamW; the
  // second moments (RMSProp, Adam) live in squareW/squareB, the first in velocityW/velocityB.
  int optimizer;
  float beta1, beta2, epsilon;      // beta2 is RMSProp's rho
  float correction1, correction2;   // Adam's 1 - beta1^t and 1 - beta2^t for this step
  float* squareW[MAX_LAYERS];
  float* squareB[MAX_LAYERS];
  // Inverted dropout of hidden layers while training: unit i of activation layer l is dropped
  // when hash(seed, step, l, i) < dropThreshold[l], else scaled by dropKeep[l] = 1 / (1 - rate).
  unsigned dropThreshold[MAX_LAYERS + 1];
  float dropKeep[MAX_LAYERS + 1];
  unsigned dropSeed, dropStep;
  // A sequential (convolutional) network's program, for modes 4 and 5 (see cnn.c), and the base
  // its byte offsets count from.
  const int* program;
  char* base;
} Net;

// The update rule of one step, as every thread reads it.
typedef struct {
  int kind;
  float lr, mu, wd, b1, b2, eps, c1, c2;
} Rule;

// ---- threads -----------------------------------------------------------------------------------

// Sleeping until *address changes, and waking the sleepers: WebAssembly's atomic wait and notify,
// Linux's futex, or else a yield.
#if defined(__wasm__)
static inline void sleep_while_equal(int* address, int value) {
  __builtin_wasm_memory_atomic_wait32(address, value, -1);
}
static inline void wake_all(int* address) { __builtin_wasm_memory_atomic_notify(address, MAX_THREADS); }
#elif defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
static inline void sleep_while_equal(int* address, int value) {
  syscall(SYS_futex, address, FUTEX_WAIT_PRIVATE, value, 0, 0, 0);
}
static inline void wake_all(int* address) { syscall(SYS_futex, address, FUTEX_WAKE_PRIVATE, MAX_THREADS, 0, 0, 0); }
#else
#include <sched.h>
static inline void sleep_while_equal(int* address, int value) { (void)address; (void)value; sched_yield(); }
static inline void wake_all(int* address) { (void)address; }
#endif

// Waits until *address differs from `value`: spins first, then sleeps. A wake-up from sleep costs
// more than a whole phase of a small batch, and the system tends to wake a sleeper on the waker's
// own core, where the two then take turns: so a worker spins through the caller's work between
// batches (about a millisecond natively, where a pause instruction keeps the spinning cheap).
#if defined(__x86_64__) || defined(__i386__)
#define SPINS 100000
#define relax() __builtin_ia32_pause()
#else
#define SPINS 20000
#define relax() ((void)0)
#endif
static void wait_while_equal(int* address, int value) {
  for (int spin = 0; spin < SPINS; spin++) {
    if (__atomic_load_n(address, __ATOMIC_SEQ_CST) != value) return;
    relax();
  }
  while (__atomic_load_n(address, __ATOMIC_SEQ_CST) == value) sleep_while_equal(address, value);
}

static void barrier(Net* net) {
  // Once a worker has failed, nobody waits for it: the job runs on to its end, and the caller
  // finds `failed` set and reports it, instead of waiting forever.
  if (net->threads == 1 || __atomic_load_n(&net->failed, __ATOMIC_SEQ_CST)) return;
  int generation = __atomic_load_n(&net->barrierGeneration, __ATOMIC_SEQ_CST);
  if (__atomic_add_fetch(&net->barrierCount, 1, __ATOMIC_SEQ_CST) == net->threads) {
    __atomic_store_n(&net->barrierCount, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&net->barrierGeneration, generation + 1, __ATOMIC_SEQ_CST);
    wake_all(&net->barrierGeneration);
  } else {
    wait_while_equal(&net->barrierGeneration, generation);
  }
}

// The start of thread t's share of n items, of T threads.
static inline int share(int n, int t, int T) { return (int)(((long long)n * t) / T); }

// ---- exp, sigmoid, tanh on VL lanes ---------------------------------------------------------

// e^x by Cody–Waite range reduction and Cephes' degree-6 polynomial: about 2 ulp on
// [-87, 88]; inputs are clamped there, so results stay finite and normal.
static inline vf vexp(vf x) {
  x = vmin(vmax(x, splat(-87.0f)), splat(88.0f));
  // Round to the nearest integer: adding and taking away 1.5 × 2^23 drops the fraction.
  vf n = x * 1.44269504088896341f;
  n = (n + 12582912.0f) - 12582912.0f;
  vf r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  vf y = splat(1.9875691500e-4f);
  y = madd(y, r, splat(1.3981999507e-3f));
  y = madd(y, r, splat(8.3334519073e-3f));
  y = madd(y, r, splat(4.1665795894e-2f));
  y = madd(y, r, splat(1.6666665459e-1f));
  y = madd(y, r, splat(5.0000001201e-1f));
  y = y * r * r + r + 1.0f;
  const vi scale = (__builtin_convertvector(n, vi) + 127) << 23;
  return y * (vf)scale;
}

static inline vf activate(vf z, int hidden) {
  if (hidden == 0) return 1.0f / (1.0f + vexp(-z));  // sigmoid: 1 / (1 + e^-z)
  if (hidden == 1) return vmax(z, splat(0.0f));       // ReLU
  return 1.0f - 2.0f / (vexp(z + z) + 1.0f);         // tanh z = 1 - 2 / (e^2z + 1)
}

static inline float activate1(float z, int hidden) { return activate(splat(z), hidden)[0]; }

// f'(z) written from a = f(z), as the reference once wrote it: a(1 - a), 1 where a > 0, 1 - a².
static inline vf derivative(vf a, int hidden) {
  if (hidden == 0) return a * (1.0f - a);
  if (hidden == 1) return (vf)((a > 0.0f) & (vi)splat(1.0f));
  return 1.0f - a * a;
}

static inline float derivative1(float a, int hidden) {
  if (hidden == 0) return a * (1.0f - a);
  if (hidden == 1) return a > 0.0f ? 1.0f : 0.0f;
  return 1.0f - a * a;
}

// ---- the input batch and its sparsity ----------------------------------------------------------

// Points batch rows [from, to) at the lists of training rows `indices`, made once per run.
static void point_rows(Net* net, int from, int to) {
  for (int r = from; r < to; r++) {
    const int row = (int)net->indices[r], start = net->dataStart[row];
    net->rowIndexOf[r] = net->dataIndex + start;
    net->rowValueOf[r] = net->dataValue + start;
    net->rowCount[r] = net->dataStart[row + 1] - start;
  }
}

// Lists the non-zero inputs of batch rows [from, to) of activations[0] with their values.
static void index_rows(Net* net, int from, int to) {
  const int n = net->sizes[0];
  for (int r = from; r < to; r++) {
    const float* row = net->activations[0] + r * n;
    int* index = net->rowIndex + r * n;
    float* value = net->rowValue + r * n;
    net->rowIndexOf[r] = index;
    net->rowValueOf[r] = value;
    int count = 0;
    int j = 0;
    // VL pixels at a time: most groups of MNIST's background are all zero and skipped at once.
    for (; j + VL <= n; j += VL) {
      const int mask = nonzero_lanes(load(row + j));
      if (!mask) continue;
      for (int m = mask; m; m &= m - 1) {
        const int i = __builtin_ctz((unsigned)m);
        index[count] = j + i;
        value[count++] = row[j + i];
      }
    }
    for (; j < n; j++) {
      if (row[j] != 0.0f) { index[count] = j; value[count++] = row[j]; }
    }
    net->rowCount[r] = count;
  }
}

// Lists, for input columns [from, to), the batch rows where they are non-zero, rows ascending:
// each weight's gradient then sums its rows in one fixed order, whatever the thread count.
static void index_columns(Net* net, int thread, int rows, int from, int to) {
  const int n = net->sizes[0];
  int* start = net->colStart[thread];
  int* segment = net->colRow[thread] + net->capacity * n;  // [first, end) of each row, past the entries
  for (int j = from; j <= to; j++) start[j] = 0;
  // Each row's list is sorted by column, so this thread's columns are one segment of it.
  for (int r = 0; r < rows; r++) {
    const int* index = net->rowIndexOf[r];
    int first = 0, end = net->rowCount[r];
    while (first < end && index[first] < from) first++;
    int last = first;
    while (last < end && index[last] < to) start[index[last++] + 1]++;
    segment[2 * r] = first;
    segment[2 * r + 1] = last;
  }
  for (int j = from; j < to; j++) start[j + 1] += start[j];
  // start[j] serves as column j's write position, then is shifted back to its start.
  for (int r = 0; r < rows; r++) {
    const int* index = net->rowIndexOf[r];
    const float* value = net->rowValueOf[r];
    for (int t = segment[2 * r], end = segment[2 * r + 1]; t < end; t++) {
      const int at = start[index[t]]++;
      net->colRow[thread][at] = r;
      net->colValue[thread][at] = value[t];
    }
  }
  for (int j = to; j > from; j--) start[j] = start[j - 1];
  start[from] = 0;
}

// ---- forward -----------------------------------------------------------------------------------

// Up to VL floats from p (n of them, 0 < n <= VL), the other lanes zero; and their store.
static inline vf load_part(const float* p, int n) {
  vf v = {0};
  for (int i = 0; i < n; i++) v[i] = p[i];
  return v;
}
static inline void store_part(float* p, vf v, int n) {
  for (int i = 0; i < n; i++) p[i] = v[i];
}

// Columns per register block of dense_rows: 4 rows x DENSE_COLS vectors of accumulators, as many
// as the target's vector registers hold (32 with AVX-512, 16 otherwise).
#if VL == 16
#define DENSE_COLS 4
#else
#define DENSE_COLS 2
#endif

// out[i] = f(bias + x[i] W) for `rows` (1 to 4) consecutive rows of a dense layer at once: each
// weight vector is loaded once for four rows, and the four rows' sums are independent chains the
// core overlaps. Every output is still bias + sum over k in order, exactly as sparse_row forms its own,
// so a row's numbers do not depend on which rows it was grouped with.
static void dense_rows(const float* x, int rows, int nIn, const float* W, const float* bias,
                       float* out, int nOut, int hidden, int isOutput) {
  const float* xr[4];
  for (int i = 0; i < 4; i++) xr[i] = x + (i < rows ? i : rows - 1) * nIn;  // spare lanes repeat the last row
  int c = 0;
  for (; c + DENSE_COLS * VL <= nOut; c += DENSE_COLS * VL) {
    vf a[4][DENSE_COLS];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < DENSE_COLS; v++) a[i][v] = load(bias + c + VL * v);
    }
    for (int k = 0; k < nIn; k++) {
      const float* w = W + k * nOut + c;
      vf wk[DENSE_COLS];
      for (int v = 0; v < DENSE_COLS; v++) wk[v] = load(w + VL * v);
      for (int i = 0; i < 4; i++) {
        const vf s = splat(xr[i][k]);
        for (int v = 0; v < DENSE_COLS; v++) a[i][v] = madd(s, wk[v], a[i][v]);
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int v = 0; v < DENSE_COLS; v++) {
        store(out + i * nOut + c + VL * v, isOutput ? a[i][v] : activate(a[i][v], hidden));
      }
    }
  }
#if DENSE_COLS > 2
  // Two vectors of columns: eight chains of sums, enough to keep the multiply-adders busy.
  for (; c + 2 * VL <= nOut; c += 2 * VL) {
    vf a[4][2];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < 2; v++) a[i][v] = load(bias + c + VL * v);
    }
    for (int k = 0; k < nIn; k++) {
      const vf w0 = load(W + k * nOut + c), w1 = load(W + k * nOut + c + VL);
      for (int i = 0; i < 4; i++) {
        const vf s = splat(xr[i][k]);
        a[i][0] = madd(s, w0, a[i][0]);
        a[i][1] = madd(s, w1, a[i][1]);
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int v = 0; v < 2; v++) {
        store(out + i * nOut + c + VL * v, isOutput ? a[i][v] : activate(a[i][v], hidden));
      }
    }
  }
#endif
  for (; c < nOut; c += VL) {
    // One vector of columns, the last one perhaps partial (10 classes in 16 lanes): its weight
    // loads read past the row into the next, lanes that are never stored, except near the end of
    // W where they read only what is there.
    const int m = nOut - c < VL ? nOut - c : VL;
    const int room = nIn * nOut - c - VL;  // the last start k * nOut a full load may read from
    const int safe = m == VL ? nIn : room < 0 ? 0 : room / nOut + 1;
    vf a[4];
    for (int i = 0; i < 4; i++) a[i] = load_part(bias + c, m);
    for (int k = 0; k < nIn; k++) {
      const vf wk = k < safe ? load(W + k * nOut + c) : load_part(W + k * nOut + c, m);
      for (int i = 0; i < 4; i++) a[i] = madd(splat(xr[i][k]), wk, a[i]);
    }
    for (int i = 0; i < rows; i++) store_part(out + i * nOut + c, isOutput ? a[i] : activate(a[i], hidden), m);
  }
}

// out = f(bias + sum over t of values[t] * W[index[t]]) for one row of the sparse first layer: only
// its non-zero inputs. 8 VL outputs at a time in eight registers, then VL, the last perhaps partial.
static void sparse_row(const float* values, const int* index, int count, int nIn, const float* W,
                       const float* bias, float* out, int nOut, int hidden, int isOutput) {
  int c = 0;
  for (; c + 8 * VL <= nOut; c += 8 * VL) {
    vf a[8];
    for (int v = 0; v < 8; v++) a[v] = load(bias + c + VL * v);
    for (int t = 0; t < count; t++) {
      const vf x = splat(values[t]);
      const float* w = W + index[t] * nOut + c;
      for (int v = 0; v < 8; v++) a[v] = madd(x, load(w + VL * v), a[v]);
    }
    for (int v = 0; v < 8; v++) store(out + c + VL * v, isOutput ? a[v] : activate(a[v], hidden));
  }
  for (; c < nOut; c += VL) {
    const int m = nOut - c < VL ? nOut - c : VL;
    vf a = load_part(bias + c, m);
    for (int t = 0; t < count; t++) {
      const float* w = W + index[t] * nOut + c;
      a = madd(splat(values[t]), m == VL || w + VL <= W + nIn * nOut ? load(w) : load_part(w, m), a);
    }
    store_part(out + c, isOutput ? a : activate(a, hidden), m);
  }
}

static void softmax_row(float* z, int n) {
  float max = z[0];
  for (int j = 1; j < n; j++) max = z[j] > max ? z[j] : max;
  float sum = 0.0f;
  for (int j = 0; j < n; j++) {
    z[j] = vexp(splat(z[j] - max))[0];
    sum += z[j];
  }
  float inverse = 1.0f / sum;
  for (int j = 0; j < n; j++) z[j] *= inverse;
}

// ---- dropout ---------------------------------------------------------------------------------

// murmur3's finaliser, and the hash of lib/nn/dropout.ts: the same bits there and here.
static inline unsigned mix32(unsigned h) {
  h = (h ^ (h >> 16)) * 0x85ebca6bu;
  h = (h ^ (h >> 13)) * 0xc2b2ae35u;
  return h ^ (h >> 16);
}

static inline unsigned drop_hash(const Net* net, int layer, unsigned index) {
  return mix32(net->dropSeed ^ mix32(net->dropStep * 0x9e3779b1u ^ mix32((unsigned)layer * 0x27d4eb2fu ^ index)));
}

// Drops units of activation layer l in row r (training only): 0, or scaled by 1 / (1 - rate).
static void drop_row(const Net* net, int l, int r, float* row, int n) {
  const unsigned threshold = net->dropThreshold[l];
  const float keep = net->dropKeep[l];
  for (int i = 0; i < n; i++) {
    row[i] = drop_hash(net, l, (unsigned)(r * n + i)) < threshold ? 0.0f : row[i] * keep;
  }
}

// Feeds batch rows [from, to) forward; the softmax output is in activations[layers].
static void forward_rows(Net* net, int from, int to) {
  const int L = net->layers;
  for (int l = 0; l < L; l++) {
    const int nIn = net->sizes[l], nOut = net->sizes[l + 1];
    for (int r = from; r < to; r++) {
      float* out = net->activations[l + 1] + r * nOut;
      if (l == 0) {
        sparse_row(net->rowValueOf[r], net->rowIndexOf[r], net->rowCount[r], nIn, net->weights[0],
                   net->biases[0], out, nOut, net->hidden, L == 1);
        if (l == L - 1) softmax_row(out, nOut);
        else if (net->mode != 1 && net->dropThreshold[l + 1]) drop_row(net, l + 1, r, out, nOut);
        continue;
      }
      // Dense layers: four rows at a time.
      const int rows = to - r < 4 ? to - r : 4;
      dense_rows(net->activations[l] + r * nIn, rows, nIn, net->weights[l], net->biases[l], out,
                 nOut, net->hidden, l == L - 1);
      for (int i = 0; i < rows; i++) {
        if (l == L - 1) softmax_row(out + i * nOut, nOut);
        else if (net->mode != 1 && net->dropThreshold[l + 1]) drop_row(net, l + 1, r + i, out + i * nOut, nOut);
      }
      r += rows - 1;
    }
  }
}

// ---- backward and update -----------------------------------------------------------------------

// VL parameters' update from their gradient g, as lib/nn/optimizers.ts writes each rule:
//   0 momentum (and plain descent, mu = 0): v = mu v - lr (g + wd w); w += v
//   1 Nesterov:  v = mu v - lr (g + wd w); w += mu v - lr (g + wd w)
//   2 RMSProp:   s = b2 s + (1 - b2) g^2; w -= lr g / (sqrt(s) + eps), with g + wd w
//   3 Adam:      m = b1 m + (1 - b1) g; s = b2 s + (1 - b2) g^2; w -= lr (m / c1) / (sqrt(s / c2) + eps)
//   4 AdamW:     w -= lr wd w first, then Adam on the plain gradient.
static inline void update_lanes(float* w, float* v, float* s, vf g, const Rule* o) {
  vf weight = load(w);
  if (o->kind == 4) weight = weight - o->lr * o->wd * weight;
  else g = madd(splat(o->wd), weight, g);
  if (o->kind <= 1) {
    const vf step = -(o->lr * g);
    const vf velocity = o->mu * load(v) + step;
    store(v, velocity);
    weight = o->kind == 0 ? weight + velocity : weight + (o->mu * velocity + step);
  } else {
    const vf square = o->b2 * load(s) + (1.0f - o->b2) * (g * g);
    store(s, square);
    if (o->kind == 2) {
      weight = weight - (o->lr * g) / (vsqrt(square) + o->eps);
    } else {
      const vf mean = o->b1 * load(v) + (1.0f - o->b1) * g;
      store(v, mean);
      weight = weight - (o->lr * (mean / o->c1)) / (vsqrt(square / o->c2) + o->eps);
    }
  }
  store(w, weight);
}

static inline void update1(float* w, float* v, float* s, float g, const Rule* o) {
  float weight = *w;
  if (o->kind == 4) weight -= o->lr * o->wd * weight;
  else g += o->wd * weight;
  if (o->kind <= 1) {
    const float step = -(o->lr * g);
    *v = o->mu * *v + step;
    weight = o->kind == 0 ? weight + *v : weight + (o->mu * *v + step);
  } else {
    *s = o->b2 * *s + (1.0f - o->b2) * (g * g);
    if (o->kind == 2) {
      weight -= (o->lr * g) / (__builtin_sqrtf(*s) + o->eps);
    } else {
      *v = o->b1 * *v + (1.0f - o->b1) * g;
      weight -= (o->lr * (*v / o->c1)) / (__builtin_sqrtf(*s / o->c2) + o->eps);
    }
  }
  *w = weight;
}

// The update of m <= VL parameters at w, v, s: update_lanes on a copy when the vector is partial.
static inline void update_part(float* w, float* v, float* s, vf g, int m, const Rule* o) {
  if (m == VL) {
    update_lanes(w, v, s, g, o);
    return;
  }
  float wc[VL] = {0}, vc[VL] = {0}, sc[VL] = {0};
  for (int i = 0; i < m; i++) { wc[i] = w[i]; vc[i] = v[i]; sc[i] = s[i]; }
  update_lanes(wc, vc, sc, g, o);
  // s is v itself for the rules without second moments, which leave it alone.
  for (int i = 0; i < m; i++) { w[i] = wc[i]; v[i] = vc[i]; if (s != v) s[i] = sc[i]; }
}

// Weight row k of the sparse first layer: gradient = sum over the batch rows where input k is
// non-zero (rowsOf, with the input's values) of value * delta[r], then the update at once.
static void update_sparse_row(Net* net, int k, const int* rowsOf, const float* values, int count,
                              const Rule* rule) {
  const int nOut = net->sizes[1];
  const float* delta = net->deltas[1];
  float* w = net->weights[0] + k * nOut;
  float* velocityRow = net->velocityW[0] + k * nOut;
  // Rules without second moments never touch them: point at the velocities instead of nothing.
  float* squareRow = net->squareW[0] ? net->squareW[0] + k * nOut : velocityRow;
  int c = 0;
  for (; c + 8 * VL <= nOut; c += 8 * VL) {
    vf g[8];
    for (int q = 0; q < 8; q++) g[q] = splat(0.0f);
    for (int t = 0; t < count; t++) {
      const vf x = splat(values[t]);
      const float* d = delta + rowsOf[t] * nOut + c;
      for (int q = 0; q < 8; q++) g[q] = madd(x, load(d + VL * q), g[q]);
    }
    for (int q = 0; q < 8; q++) {
      update_lanes(w + c + VL * q, velocityRow + c + VL * q, squareRow + c + VL * q, g[q], rule);
    }
  }
  for (; c < nOut; c += VL) {
    const int m = nOut - c < VL ? nOut - c : VL;
    vf g = splat(0.0f);
    for (int t = 0; t < count; t++) g = madd(splat(values[t]), load_part(delta + rowsOf[t] * nOut + c, m), g);
    update_part(w + c, velocityRow + c, squareRow + c, g, m, rule);
  }
}

// Weight rows k .. k + n - 1 (n = 1 to 4) of dense layer l: gradient = sum over the batch rows r in
// order of a_l[r][k] * delta[r], then the update. Four weight rows at a time share each load of
// delta, and their sums are independent chains; each weight's sum keeps its order.
static void update_dense_rows(Net* net, int l, int k, int n, const Rule* rule) {
  const int nIn = net->sizes[l], nOut = net->sizes[l + 1], rows = net->rows;
  const float* delta = net->deltas[l + 1];
  const float* in = net->activations[l];
  int ks[4];
  for (int i = 0; i < 4; i++) ks[i] = k + (i < n ? i : n - 1);  // spare lanes repeat the last row
  float* w = net->weights[l];
  float* velocity = net->velocityW[l];
  float* square = net->squareW[l] ? net->squareW[l] : velocity;
  int c = 0;
  for (; c + DENSE_COLS * VL <= nOut; c += DENSE_COLS * VL) {
    vf g[4][DENSE_COLS];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < DENSE_COLS; v++) g[i][v] = splat(0.0f);
    }
    for (int r = 0; r < rows; r++) {
      vf d[DENSE_COLS];
      for (int v = 0; v < DENSE_COLS; v++) d[v] = load(delta + r * nOut + c + VL * v);
      for (int i = 0; i < 4; i++) {
        const vf x = splat(in[r * nIn + ks[i]]);
        for (int v = 0; v < DENSE_COLS; v++) g[i][v] = madd(x, d[v], g[i][v]);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int v = 0; v < DENSE_COLS; v++) {
        const int at = ks[i] * nOut + c + VL * v;
        update_lanes(w + at, velocity + at, square + at, g[i][v], rule);
      }
    }
  }
  for (; c < nOut; c += VL) {
    const int m = nOut - c < VL ? nOut - c : VL;
    const int room = rows * nOut - c - VL;  // the last start r * nOut a full load may read from
    const int safe = m == VL ? rows : room < 0 ? 0 : room / nOut + 1;
    vf g[4];
    for (int i = 0; i < 4; i++) g[i] = splat(0.0f);
    for (int r = 0; r < rows; r++) {
      const vf d = r < safe ? load(delta + r * nOut + c) : load_part(delta + r * nOut + c, m);
      for (int i = 0; i < 4; i++) g[i] = madd(splat(in[r * nIn + ks[i]]), d, g[i]);
    }
    for (int i = 0; i < n; i++) {
      const int at = ks[i] * nOut + c;
      update_part(w + at, velocity + at, square + at, g[i], m, rule);
    }
  }
}

// delta[l][r] = (delta[l+1][r] W_l^T) * f'(a_l[r]), with the weights before their update. The
// transposed copy of W_l turns the product into the register-blocked kernel of the forward pass.
static void back_delta(Net* net, int l, int from, int to) {
  const int n = net->sizes[l], nNext = net->sizes[l + 1];
  const unsigned threshold = net->dropThreshold[l];
  const float keep = net->dropKeep[l];
  for (int r = from; r < to; r += 4) {
    dense_rows(net->deltas[l + 1] + r * nNext, to - r < 4 ? to - r : 4, nNext, net->transposed[l],
               net->zeros, net->deltas[l] + r * n, n, 0, 1);
  }
  for (int r = from; r < to; r++) {
    float* out = net->deltas[l] + r * n;
    const float* a = net->activations[l] + r * n;
    if (threshold) {
      // With dropout, a = f(z) * keep for a kept unit and 0 for a dropped one: the derivative is
      // f'(z) * keep, from f(z) = a / keep, and a dropped unit passes nothing back.
      for (int i = 0; i < n; i++) {
        out[i] = drop_hash(net, l, (unsigned)(r * n + i)) < threshold
          ? 0.0f : out[i] * derivative1(a[i] / keep, net->hidden) * keep;
      }
      continue;
    }
    int i = 0;
    for (; i + VL <= n; i += VL) store(out + i, load(out + i) * derivative(load(a + i), net->hidden));
    for (; i < n; i++) out[i] *= derivative1(a[i], net->hidden);
  }
}

// Copies weight rows [k0, k1) of layer l into its transposed copy.
static void transpose_rows(Net* net, int l, int k0, int k1) {
  const int nIn = net->sizes[l], nOut = net->sizes[l + 1];
  const float* W = net->weights[l];
  float* T = net->transposed[l];
  for (int k = k0; k < k1; k++) {
    for (int c = 0; c < nOut; c++) T[c * nIn + k] = W[k * nOut + c];
  }
}

// Refreshes every transposed copy: after the weights were loaded from outside.
EXPORT_AS(refresh_transposed)
void refresh_transposed(Net* net) {
  for (int l = 1; l < net->layers; l++) transpose_rows(net, l, 0, net->sizes[l]);
}

// Thread `thread`'s share of the current job. Rows are split for everything that works row by row
// (gathering, forward, deltas); weight rows and bias columns are split for the update, which reads
// every batch row. Barriers separate the phases.
// Biases [c0, c1) of nOut from the column sums of d (rows x nOut, rows in order), then updated.
static void update_biases(const float* d, int rows, int nOut, int c0, int c1, float* b, float* vb,
                          float* sb, const Rule* rule) {
  for (int c = c0; c < c1; c += VL) {
    const int m = c1 - c < VL ? c1 - c : VL;
    vf g = splat(0.0f);
    for (int r = 0; r < rows; r++) {
      const float* at = d + r * nOut + c;
      g += at + VL <= d + rows * nOut ? load(at) : load_part(at, m);
    }
    for (int i = 0; i < m; i++) update1(b + c + i, vb + c + i, sb ? sb + c + i : vb + c + i, g[i], rule);
  }
}

static void cnn_part(Net* net, int thread);

static void run_part(Net* net, int thread) {
  if (net->mode >= 4) {
    cnn_part(net, thread);
    return;
  }
  const int T = net->threads, rows = net->rows, L = net->layers;
  const int from = share(rows, thread, T), to = share(rows, thread + 1, T);
  if (net->mode == 2) point_rows(net, from, to);
  else index_rows(net, from, to);
  forward_rows(net, from, to);
  if (net->mode == 1) {
    barrier(net);
    return;
  }
  // Output layer: delta = (p - y) / m; then back through the layers, with the old weights.
  const int classes = net->sizes[L];
  const float scale = 1.0f / (float)rows;
  for (int r = from; r < to; r++) {
    float* top = net->deltas[L] + r * classes;
    const float* p = net->activations[L] + r * classes;
    for (int c = 0; c < classes; c++) top[c] = p[c] * scale;
    // The caller checks every label against the output layer; this guard only makes sure that a
    // bad one can never write outside the row.
    const int label = net->labels[r];
    if (label < classes) top[label] -= scale;
  }
  for (int l = L - 1; l > 0; l--) back_delta(net, l, from, to);
  barrier(net);

  const Rule rule = {net->optimizer, net->learningRate, net->momentum, net->weightDecay,
                     net->beta1, net->beta2, net->epsilon, net->correction1, net->correction2};
  Rule biasRule = rule;
  biasRule.wd = 0.0f;  // biases are not decayed
  for (int l = 0; l < L; l++) {
    const int nIn = net->sizes[l], nOut = net->sizes[l + 1];
    const int k0 = share(nIn, thread, T), k1 = share(nIn, thread + 1, T);
    if (l == 0) {
      index_columns(net, thread, rows, k0, k1);
      const int* start = net->colStart[thread];
      for (int k = k0; k < k1; k++) {
        update_sparse_row(net, k, net->colRow[thread] + start[k], net->colValue[thread] + start[k],
                          start[k + 1] - start[k], &rule);
      }
    } else {
      for (int k = k0; k < k1; k += 4) update_dense_rows(net, l, k, k1 - k < 4 ? k1 - k : 4, &rule);
      transpose_rows(net, l, k0, k1);
    }
    // Biases: gradient = column sums of delta; no weight decay.
    update_biases(net->deltas[l + 1], rows, nOut, share(nOut, thread, T), share(nOut, thread + 1, T),
                  net->biases[l], net->velocityB[l], net->squareB[l], &biasRule);
  }
  barrier(net);
}

#include "cnn.c"

// Starts a job on every thread and does thread 0's share; returns when all shares are done.
// mode 1: forward only, on the rows in activations[0]; 2: train on training rows `indices`;
// 3: train on the rows in activations[0]; 4 and 5: a sequential network's training step and
// forward pass (cnn.c).
EXPORT_AS(run_batch)
void run_batch(Net* net, int mode, int rows) {
  // The arrays hold `capacity` rows: a larger batch would run past them (the TypeScript side
  // throws before this; the guard is the kernels' own).
  if (rows < 0 || rows > net->capacity) return;
  net->mode = mode;
  net->rows = rows;
  if (net->threads > 1) {
    __atomic_add_fetch(&net->go, 1, __ATOMIC_SEQ_CST);
    wake_all(&net->go);
  }
  run_part(net, 0);
}

// A worker's life: wait for each job, do its share, until `stop`.
EXPORT_AS(worker_loop)
void worker_loop(Net* net, int thread, int seen) {
  for (;;) {
    wait_while_equal(&net->go, seen);
    seen = __atomic_load_n(&net->go, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&net->stop, __ATOMIC_SEQ_CST)) return;
    run_part(net, thread);
  }
}

// Wakes the workers to leave their loops.
EXPORT_AS(stop_workers)
void stop_workers(Net* net) {
  __atomic_store_n(&net->stop, 1, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&net->go, 1, __ATOMIC_SEQ_CST);
  wake_all(&net->go);
}

// Called by a worker whose share trapped: marks the job failed and wakes every thread waiting at
// a barrier, so the caller's run_batch returns.
EXPORT_AS(fail_threads)
void fail_threads(Net* net) {
  __atomic_store_n(&net->failed, 1, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&net->barrierGeneration, 1, __ATOMIC_SEQ_CST);
  wake_all(&net->barrierGeneration);
}

// Where each field of Net lies, so that lib/engines/kernel_layout.ts fills it in by name
// (offset_layers(), offset_sizes(), …) instead of by hard-coded position.
#define OFFSET(field) \
  EXPORT_AS(offset_##field) int offset_##field(void) { return __builtin_offsetof(Net, field); }
OFFSET(layers) OFFSET(hidden) OFFSET(capacity) OFFSET(sizes) OFFSET(weights) OFFSET(biases)
OFFSET(velocityW) OFFSET(velocityB) OFFSET(activations) OFFSET(deltas) OFFSET(rowCount)
OFFSET(rowIndex) OFFSET(colStart) OFFSET(colRow) OFFSET(colValue) OFFSET(threads)
OFFSET(learningRate) OFFSET(indices) OFFSET(labels) OFFSET(go) OFFSET(transposed) OFFSET(zeros)
OFFSET(rowValue) OFFSET(rowIndexOf) OFFSET(rowValueOf) OFFSET(dataStart) OFFSET(dataIndex)
OFFSET(dataValue) OFFSET(optimizer) OFFSET(beta1) OFFSET(squareW) OFFSET(squareB)
OFFSET(dropThreshold) OFFSET(dropKeep) OFFSET(dropSeed) OFFSET(dropStep) OFFSET(program) OFFSET(base)
OFFSET(failed)
// How many bytes the header takes, so that the TypeScript side allocates exactly that.
EXPORT_AS(net_size) int net_size(void) { return sizeof(Net); }

#if !defined(__wasm__)
// ---- the native build's own: threads and memory -------------------------------------------------

typedef struct {
  Net* net;
  int thread, seen;
  pthread_t handle;
} Worker;

static void* worker_main(void* arg) {
  Worker* worker = arg;
  worker_loop(worker->net, worker->thread, worker->seen);
  return 0;
}

// Starts threads 1 … threads − 1 on `net` (thread 0 is the caller's); returns their handles for
// join_workers, after stop_workers.
EXPORT_AS(start_workers) void* start_workers(Net* net) {
  Worker* workers = calloc(MAX_THREADS, sizeof(Worker));
  const int seen = __atomic_load_n(&net->go, __ATOMIC_SEQ_CST);
  for (int t = 1; t < net->threads; t++) {
    workers[t] = (Worker){net, t, seen, 0};
    pthread_create(&workers[t].handle, 0, worker_main, &workers[t]);
  }
  return workers;
}

EXPORT_AS(join_workers) void join_workers(Net* net, void* handles) {
  Worker* workers = handles;
  for (int t = 1; t < net->threads; t++) pthread_join(workers[t].handle, 0);
  free(workers);
}

// One zeroed block for a network's header and arrays, aligned for the widest vectors. calloc hands
// a large block over as fresh pages the system zeroes on first touch, so arrays a job never uses
// (the training scratch, when only classifying) cost nothing. The block calloc gave is kept just
// before the aligned start, for arena_free.
EXPORT_AS(arena_alloc) void* arena_alloc(long bytes) {
  char* raw = calloc(1, (size_t)bytes + 64 + sizeof(void*));
  if (!raw) return 0;
  char* block = raw + sizeof(void*);
  block += (64 - (unsigned long)block % 64) % 64;
  ((void**)block)[-1] = raw;
  return block;
}

EXPORT_AS(arena_free) void arena_free(void* block) { free(((void**)block)[-1]); }
#endif

// What the TypeScript side needs to lay memory out and to say what runs.
EXPORT_AS(pointer_size) int pointer_size(void) { return sizeof(void*); }
EXPORT_AS(vector_lanes) int vector_lanes(void) { return VL; }
