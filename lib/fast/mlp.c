// The fast path: one mini-batch step of the multi-layer perceptron in WebAssembly SIMD.
//
// The same mathematics as lib/network.ts and lib/train.ts, arranged for speed:
// - the first layer reads only the non-zero input pixels (about 19% of MNIST), in the forward
//   product (row-wise lists) and in its weight gradient (column-wise lists);
// - no gradient is computed for the input itself;
// - bias and activation are fused into the product that makes each layer's output;
// - each weight gradient is formed in registers one weight row at a time and applied at once with
//   weight decay and momentum, so it is never stored;
// - 4-wide SIMD (f32x4) over the output units everywhere, with a scalar tail for odd sizes.
//
// Build: deno task build-wasm (clang --target=wasm32 -msimd128 -O3); the binary is embedded in
// lib/fast/mlp_wasm.ts.

#include <wasm_simd128.h>

#define MAX_LAYERS 7

// clang may turn copy loops into calls to these; there is no C library here.
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
  int* rowStart;    // capacity + 1: CSR of the input batch
  int* rowIndex;    // capacity x sizes[0]
  int* colStart;    // sizes[0] + 1: CSC of the input batch
  int* colRow;      // capacity x sizes[0]
  float* colValue;  // capacity x sizes[0]
} Net;

// ---- exp, sigmoid, tanh on four lanes -------------------------------------------------------

// e^x by Cody–Waite range reduction and Cephes' degree-6 polynomial: about 2 ulp on
// [-87, 88]; inputs are clamped there, so results stay finite and normal.
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-87.0f)), wasm_f32x4_splat(88.0f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t y = wasm_f32x4_splat(1.9875691500e-4f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, r), wasm_f32x4_splat(1.3981999507e-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, r), wasm_f32x4_splat(8.3334519073e-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, r), wasm_f32x4_splat(4.1665795894e-2f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, r), wasm_f32x4_splat(1.6666665459e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, r), wasm_f32x4_splat(5.0000001201e-1f));
  y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(y, r), r), r), wasm_f32x4_splat(1.0f));
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(y, scale);
}

static inline v128_t activate4(v128_t z, int hidden) {
  if (hidden == 0) {  // sigmoid: 1 / (1 + e^-z)
    return wasm_f32x4_div(wasm_f32x4_splat(1.0f),
                          wasm_f32x4_add(wasm_f32x4_splat(1.0f), exp4(wasm_f32x4_neg(z))));
  }
  if (hidden == 1) return wasm_f32x4_max(z, wasm_f32x4_splat(0.0f));  // ReLU
  // tanh z = 1 - 2 / (e^2z + 1)
  v128_t e = exp4(wasm_f32x4_add(z, z));
  return wasm_f32x4_sub(wasm_f32x4_splat(1.0f),
                        wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, wasm_f32x4_splat(1.0f))));
}

static inline float activate1(float z, int hidden) {
  return wasm_f32x4_extract_lane(activate4(wasm_f32x4_splat(z), hidden), 0);
}

// f'(z) written from a = f(z), as in lib/activations.ts.
static inline v128_t derivative4(v128_t a, int hidden) {
  if (hidden == 0) return wasm_f32x4_mul(a, wasm_f32x4_sub(wasm_f32x4_splat(1.0f), a));
  if (hidden == 1) return wasm_v128_and(wasm_f32x4_gt(a, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(1.0f));
  return wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(a, a));
}

static inline float derivative1(float a, int hidden) {
  if (hidden == 0) return a * (1.0f - a);
  if (hidden == 1) return a > 0.0f ? 1.0f : 0.0f;
  return 1.0f - a * a;
}

// ---- the input batch and its sparsity ----------------------------------------------------------

// Lists the non-zero inputs of the batch row by row (CSR) and column by column (CSC).
static void index_input(Net* net, int rows) {
  const int n = net->sizes[0];
  const float* x = net->activations[0];
  int* rowStart = net->rowStart;
  int* rowIndex = net->rowIndex;
  int* colStart = net->colStart;
  int count = 0;
  for (int j = 0; j <= n; j++) colStart[j] = 0;
  for (int r = 0; r < rows; r++) {
    rowStart[r] = count;
    const float* row = x + r * n;
    for (int j = 0; j < n; j++) {
      if (row[j] != 0.0f) {
        rowIndex[count++] = j;
        colStart[j + 1]++;
      }
    }
  }
  rowStart[rows] = count;
  for (int j = 0; j < n; j++) colStart[j + 1] += colStart[j];
  // Fill the columns in row order, so each column's rows are ascending (a fixed summation order);
  // colStart[j] serves as column j's write position, then is shifted back to its start.
  for (int r = 0; r < rows; r++) {
    for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
      int j = rowIndex[k];
      int at = colStart[j]++;
      net->colRow[at] = r;
      net->colValue[at] = x[r * n + j];
    }
  }
  // colStart[j] now holds the end of column j: shift back to starts.
  for (int j = n; j > 0; j--) colStart[j] = colStart[j - 1];
  colStart[0] = 0;
}

// Copies the rows `indices` of `images` (count x sizes[0]) into the input batch and indexes them.
__attribute__((export_name("gather")))
void gather(Net* net, const float* images, const unsigned* indices, int rows) {
  const int n = net->sizes[0];
  for (int r = 0; r < rows; r++) {
    const v128_t* from = (const v128_t*)(images + (unsigned long)indices[r] * n);
    float* to = net->activations[0] + r * n;
    int j = 0;
    for (; j + 4 <= n; j += 4) wasm_v128_store(to + j, wasm_v128_load((const float*)from + j));
    for (; j < n; j++) to[j] = ((const float*)from)[j];
  }
  index_input(net, rows);
}

// Indexes an input batch that the caller wrote into activations[0] itself (for evaluation).
__attribute__((export_name("index_batch")))
void index_batch(Net* net, int rows) {
  index_input(net, rows);
}

// ---- forward -----------------------------------------------------------------------------------

// out[r] = f(bias + sum over k of in[r][k] * W[k]) for one row, 16 outputs at a time in registers.
// With `index`, only the listed k are visited (the sparse first layer).
static void layer_row(const float* in, const int* index, int count, const float* W, const float* bias,
                      float* out, int nOut, int hidden, int isOutput) {
  int c = 0;
  for (; c + 16 <= nOut; c += 16) {
    v128_t a0 = wasm_v128_load(bias + c), a1 = wasm_v128_load(bias + c + 4);
    v128_t a2 = wasm_v128_load(bias + c + 8), a3 = wasm_v128_load(bias + c + 12);
    for (int t = 0; t < count; t++) {
      int k = index ? index[t] : t;
      v128_t x = wasm_f32x4_splat(in[k]);
      const float* w = W + k * nOut + c;
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x, wasm_v128_load(w)));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x, wasm_v128_load(w + 4)));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(x, wasm_v128_load(w + 8)));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(x, wasm_v128_load(w + 12)));
    }
    if (!isOutput) {
      a0 = activate4(a0, hidden);
      a1 = activate4(a1, hidden);
      a2 = activate4(a2, hidden);
      a3 = activate4(a3, hidden);
    }
    wasm_v128_store(out + c, a0);
    wasm_v128_store(out + c + 4, a1);
    wasm_v128_store(out + c + 8, a2);
    wasm_v128_store(out + c + 12, a3);
  }
  for (; c + 4 <= nOut; c += 4) {
    v128_t a = wasm_v128_load(bias + c);
    for (int t = 0; t < count; t++) {
      int k = index ? index[t] : t;
      a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_f32x4_splat(in[k]), wasm_v128_load(W + k * nOut + c)));
    }
    wasm_v128_store(out + c, isOutput ? a : activate4(a, hidden));
  }
  for (; c < nOut; c++) {
    float a = bias[c];
    for (int t = 0; t < count; t++) {
      int k = index ? index[t] : t;
      a += in[k] * W[k * nOut + c];
    }
    out[c] = isOutput ? a : activate1(a, hidden);
  }
}

static void softmax_row(float* z, int n) {
  float max = z[0];
  for (int j = 1; j < n; j++) max = z[j] > max ? z[j] : max;
  float sum = 0.0f;
  for (int j = 0; j < n; j++) {
    z[j] = wasm_f32x4_extract_lane(exp4(wasm_f32x4_splat(z[j] - max)), 0);
    sum += z[j];
  }
  float inverse = 1.0f / sum;
  for (int j = 0; j < n; j++) z[j] *= inverse;
}

// Feeds the indexed input batch forward; the softmax output is in activations[layers].
__attribute__((export_name("forward")))
void forward(Net* net, int rows) {
  const int L = net->layers;
  for (int l = 0; l < L; l++) {
    const int nIn = net->sizes[l], nOut = net->sizes[l + 1];
    for (int r = 0; r < rows; r++) {
      float* out = net->activations[l + 1] + r * nOut;
      if (l == 0) {
        const int from = net->rowStart[r];
        layer_row(net->activations[0] + r * nIn, net->rowIndex + from, net->rowStart[r + 1] - from,
                  net->weights[0], net->biases[0], out, nOut, net->hidden, L == 1);
      } else {
        layer_row(net->activations[l] + r * nIn, 0, nIn, net->weights[l], net->biases[l], out, nOut,
                  net->hidden, l == L - 1);
      }
      if (l == L - 1) softmax_row(out, nOut);
    }
  }
}

// ---- backward and update -----------------------------------------------------------------------

// velocity = mu * velocity - lr * (gradient + wd * w); w += velocity, for 4 lanes.
static inline void update4(float* w, float* v, v128_t g, v128_t lr, v128_t mu, v128_t wd) {
  v128_t weight = wasm_v128_load(w);
  g = wasm_f32x4_add(g, wasm_f32x4_mul(wd, weight));
  v128_t velocity = wasm_f32x4_sub(wasm_f32x4_mul(mu, wasm_v128_load(v)), wasm_f32x4_mul(lr, g));
  wasm_v128_store(v, velocity);
  wasm_v128_store(w, wasm_f32x4_add(weight, velocity));
}

static inline void update1(float* w, float* v, float g, float lr, float mu, float wd) {
  g += wd * *w;
  *v = mu * *v - lr * g;
  *w += *v;
}

// For weight row k of layer l: gradient = sum over listed rows r of value * delta[r], then the
// update. `rowsOf`/`values` list the batch rows where input k is non-zero (first layer), or, when
// null, every row with values taken from the layer's input column k.
static void update_weight_row(Net* net, int l, int k, const int* rowsOf, const float* values, int count,
                              float lr, float mu, float wd) {
  const int nIn = net->sizes[l], nOut = net->sizes[l + 1];
  const float* delta = net->deltas[l + 1];
  const float* in = net->activations[l];
  float* w = net->weights[l] + k * nOut;
  float* v = net->velocityW[l] + k * nOut;
  const v128_t vlr = wasm_f32x4_splat(lr), vmu = wasm_f32x4_splat(mu), vwd = wasm_f32x4_splat(wd);
  int c = 0;
  for (; c + 16 <= nOut; c += 16) {
    v128_t g0 = wasm_f32x4_splat(0.0f), g1 = g0, g2 = g0, g3 = g0;
    for (int t = 0; t < count; t++) {
      const int r = rowsOf ? rowsOf[t] : t;
      const v128_t x = wasm_f32x4_splat(rowsOf ? values[t] : in[r * nIn + k]);
      const float* d = delta + r * nOut + c;
      g0 = wasm_f32x4_add(g0, wasm_f32x4_mul(x, wasm_v128_load(d)));
      g1 = wasm_f32x4_add(g1, wasm_f32x4_mul(x, wasm_v128_load(d + 4)));
      g2 = wasm_f32x4_add(g2, wasm_f32x4_mul(x, wasm_v128_load(d + 8)));
      g3 = wasm_f32x4_add(g3, wasm_f32x4_mul(x, wasm_v128_load(d + 12)));
    }
    update4(w + c, v + c, g0, vlr, vmu, vwd);
    update4(w + c + 4, v + c + 4, g1, vlr, vmu, vwd);
    update4(w + c + 8, v + c + 8, g2, vlr, vmu, vwd);
    update4(w + c + 12, v + c + 12, g3, vlr, vmu, vwd);
  }
  for (; c + 4 <= nOut; c += 4) {
    v128_t g = wasm_f32x4_splat(0.0f);
    for (int t = 0; t < count; t++) {
      const int r = rowsOf ? rowsOf[t] : t;
      const float x = rowsOf ? values[t] : in[r * nIn + k];
      g = wasm_f32x4_add(g, wasm_f32x4_mul(wasm_f32x4_splat(x), wasm_v128_load(delta + r * nOut + c)));
    }
    update4(w + c, v + c, g, vlr, vmu, vwd);
  }
  for (; c < nOut; c++) {
    float g = 0.0f;
    for (int t = 0; t < count; t++) {
      const int r = rowsOf ? rowsOf[t] : t;
      g += (rowsOf ? values[t] : in[r * nIn + k]) * delta[r * nOut + c];
    }
    update1(w + c, v + c, g, lr, mu, wd);
  }
}

// delta[l][r] = (delta[l+1][r] . W_l rows) * f'(a_l[r]), with the weights before their update.
static void back_delta(Net* net, int l, int rows) {
  const int n = net->sizes[l], nNext = net->sizes[l + 1];
  const float* W = net->weights[l];
  for (int r = 0; r < rows; r++) {
    const float* d = net->deltas[l + 1] + r * nNext;
    const float* a = net->activations[l] + r * n;
    float* out = net->deltas[l] + r * n;
    for (int i = 0; i < n; i++) {
      const float* w = W + i * nNext;
      v128_t s = wasm_f32x4_splat(0.0f);
      int c = 0;
      for (; c + 4 <= nNext; c += 4) s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load(d + c), wasm_v128_load(w + c)));
      float sum = wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1) +
                  wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3);
      for (; c < nNext; c++) sum += d[c] * w[c];
      out[i] = sum * derivative1(a[i], net->hidden);
    }
  }
}

// One step of gradient descent for the batch in activations[0] with class `labels`: forward,
// backward, and the momentum update of every weight and bias (weight decay on weights only).
__attribute__((export_name("train_batch")))
void train_batch(Net* net, const unsigned char* labels, int rows, float lr, float mu, float wd) {
  forward(net, rows);
  const int L = net->layers;
  const int classes = net->sizes[L];
  // Output layer: delta = (p - y) / m.
  const float scale = 1.0f / (float)rows;
  float* top = net->deltas[L];
  const float* p = net->activations[L];
  for (int r = 0; r < rows; r++) {
    for (int c = 0; c < classes; c++) top[r * classes + c] = p[r * classes + c] * scale;
    top[r * classes + labels[r]] -= scale;
  }
  for (int l = L - 1; l >= 0; l--) {
    const int nIn = net->sizes[l], nOut = net->sizes[l + 1];
    if (l > 0) back_delta(net, l, rows);  // needs W_l before its update
    if (l == 0) {
      for (int k = 0; k < nIn; k++) {
        const int from = net->colStart[k];
        update_weight_row(net, 0, k, net->colRow + from, net->colValue + from, net->colStart[k + 1] - from, lr, mu, wd);
      }
    } else {
      for (int k = 0; k < nIn; k++) update_weight_row(net, l, k, 0, 0, rows, lr, mu, wd);
    }
    // Biases: gradient = column sums of delta; no weight decay.
    const float* d = net->deltas[l + 1];
    for (int c = 0; c < nOut; c++) {
      float g = 0.0f;
      for (int r = 0; r < rows; r++) g += d[r * nOut + c];
      update1(net->biases[l] + c, net->velocityB[l] + c, g, lr, mu, 0.0f);
    }
  }
}
