// Dense layers: the products every layer of the kernels is made of, and the dense layer of a
// sequential network (dense_forward, dense_backward). The MLP (mlp.c) runs its layers on the same
// products, with its first layer sparse and its update fused into the weight gradient.
//
// Vectors of VL floats run over the output units everywhere (the last one partial for odd sizes),
// and four batch rows at a time, so each weight is loaded once for four.

// Columns per register block of dense_rows: 4 rows x DENSE_COLS vectors of accumulators, as many
// as the target's vector registers hold (32 with AVX-512, 16 otherwise).
#if VL == 16
#define DENSE_COLS 4
#else
#define DENSE_COLS 2
#endif

// out[i] = f(bias + x[i] W) for `rows` (1 to 4) rows at once, bias and activation fused into the
// product (act ACT_NONE: none); with bias null, the sums start from what out holds (a pass over
// the next inputs, see dense_block). Row i's input k is rowsOf[i][at[k]], or rowsOf[i][k] when `at` is
// null: a convolution reads its patches where they lie in its padded input this way. Each weight vector is loaded once for
// four rows, and the four rows' sums are independent chains the core overlaps. Every output is
// still bias + sum over k in order, exactly as sparse_row forms its own, so a row's numbers do not
// depend on which rows it was grouped with.
//   x  rows x nIn    W  nIn x nOut    bias  nOut    out  rows x nOut
static void dense_rows_at(const float* const rowsOf[4], const int* at, int rows, int nIn, const float* W,
                          const float* bias, float* out, int nOut, enum Activation act) {
  const float* xr[4];
  const float* from[4];  // where row i's sums start: the bias, or out's row
  for (int i = 0; i < 4; i++) {
    xr[i] = rowsOf[i < rows ? i : rows - 1];  // spare lanes repeat the last row
    from[i] = bias ? bias : out + (i < rows ? i : rows - 1) * nOut;
  }
  int c = 0;
#if DENSE_COLS == 2
  // Three vectors of columns at a time while three or more are left, except four (two pairs):
  // twelve chains of sums a pass where a pair gives eight, each weight load shared by four rows
  // either way (24 filters in one pass where a pair and a single took two; a convolution's
  // 144-wide input gradient in six where pairs took nine).
  for (; nOut - c >= 3 * VL && nOut - c != 4 * VL; c += 3 * VL) {
    vf a[4][3];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < 3; v++) a[i][v] = load(from[i] + c + VL * v);
    }
    for (int k = 0; k < nIn; k++) {
      const float* w = W + k * nOut + c;
      vf w0 = load(w), w1 = load(w + VL), w2 = load(w + 2 * VL);
      IN_REGISTER(w0);
      IN_REGISTER(w1);
      IN_REGISTER(w2);
      for (int i = 0; i < 4; i++) {
        const vf s = splat(xr[i][at ? at[k] : k]);
        a[i][0] = madd(s, w0, a[i][0]);
        a[i][1] = madd(s, w1, a[i][1]);
        a[i][2] = madd(s, w2, a[i][2]);
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int v = 0; v < 3; v++) {
        store(out + i * nOut + c + VL * v, act == ACT_NONE ? a[i][v] : activate(a[i][v], act));
      }
    }
  }
#endif
  for (; c + DENSE_COLS * VL <= nOut; c += DENSE_COLS * VL) {
    vf a[4][DENSE_COLS];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < DENSE_COLS; v++) a[i][v] = load(from[i] + c + VL * v);
    }
    for (int k = 0; k < nIn; k++) {
      const float* w = W + k * nOut + c;
      vf wk[DENSE_COLS];
      for (int v = 0; v < DENSE_COLS; v++) {
        wk[v] = load(w + VL * v);
        IN_REGISTER(wk[v]);
      }
      for (int i = 0; i < 4; i++) {
        const vf s = splat(xr[i][at ? at[k] : k]);
        for (int v = 0; v < DENSE_COLS; v++) a[i][v] = madd(s, wk[v], a[i][v]);
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int v = 0; v < DENSE_COLS; v++) {
        store(out + i * nOut + c + VL * v, act == ACT_NONE ? a[i][v] : activate(a[i][v], act));
      }
    }
  }
#if DENSE_COLS > 2
  // Two vectors of columns: eight chains of sums, enough to keep the multiply-adders busy.
  for (; c + 2 * VL <= nOut; c += 2 * VL) {
    vf a[4][2];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < 2; v++) a[i][v] = load(from[i] + c + VL * v);
    }
    for (int k = 0; k < nIn; k++) {
      vf w0 = load(W + k * nOut + c), w1 = load(W + k * nOut + c + VL);
      IN_REGISTER(w0);  // loaded once for the four rows (see IN_REGISTER)
      IN_REGISTER(w1);
      for (int i = 0; i < 4; i++) {
        const vf s = splat(xr[i][at ? at[k] : k]);
        a[i][0] = madd(s, w0, a[i][0]);
        a[i][1] = madd(s, w1, a[i][1]);
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int v = 0; v < 2; v++) {
        store(out + i * nOut + c + VL * v, act == ACT_NONE ? a[i][v] : activate(a[i][v], act));
      }
    }
  }
#endif
  for (; c < nOut; c += VL) {
    // One vector of columns, the last one perhaps partial (10 classes in 16 lanes): its weight
    // loads read past the row into the next, lanes that are never stored, except near the end of
    // W where they read only what is there.
    const int m = lanes_left(c, nOut);
    const int room = nIn * nOut - c - VL;  // the last start k * nOut a full load may read from
    const int safe = m == VL ? nIn : room < 0 ? 0 : room / nOut + 1;
    vf a[4];
    for (int i = 0; i < 4; i++) a[i] = load_part(from[i] + c, m);
    for (int k = 0; k < nIn; k++) {
      const vf wk = k < safe ? load(W + k * nOut + c) : load_part(W + k * nOut + c, m);
      for (int i = 0; i < 4; i++) a[i] = madd(splat(xr[i][at ? at[k] : k]), wk, a[i]);
    }
    for (int i = 0; i < rows; i++) {
      store_part(out + i * nOut + c, act == ACT_NONE ? a[i] : activate(a[i], act), m);
    }
  }
}

// dense_rows_at for outputs one vector wide (nOut ≤ VL: a first convolution's 8 filters with
// AVX2), eight rows at a time: four rows would give four chains of sums, half of what keeps the
// multiply-adders busy. Each row's sums are the ones dense_rows_at makes, bit for bit.
//   x  rows (1 to 8) x nIn    W  nIn x nOut    bias  nOut    out  rows x nOut
static void narrow_rows_at(const float* const rowsOf[8], const int* at, int rows, int nIn, const float* W,
                           const float* bias, float* out, int nOut, enum Activation act) {
  const float* xr[8];
  for (int i = 0; i < 8; i++) xr[i] = rowsOf[i < rows ? i : rows - 1];
  const int m = lanes_left(0, nOut);
  const int room = nIn * nOut - VL;  // as in dense_rows_at: full loads only where W has VL floats left
  const int safe = m == VL ? nIn : room < 0 ? 0 : room / nOut + 1;
  vf a[8];
  for (int i = 0; i < 8; i++) a[i] = load_part(bias, m);
  for (int k = 0; k < nIn; k++) {
    const vf wk = k < safe ? load(W + k * nOut) : load_part(W + k * nOut, m);
    const int x = at ? at[k] : k;
    for (int i = 0; i < 8; i++) a[i] = madd(splat(xr[i][x]), wk, a[i]);
  }
  for (int i = 0; i < rows; i++) store_part(out + i * nOut, act == ACT_NONE ? a[i] : activate(a[i], act), m);
}

// Weights that stay in cache across a pass over the batch rows. A larger product (the `cnn`
// network's 3,136 x 256 dense layer, 3.2 MB) runs in passes over a slice of its inputs for every
// row, each row's sums stored between passes and taken up again: the same sums in the same order,
// the same bits, where streaming all the weights from memory for every four rows left the
// multiply-adders waiting.
#define SLICE_BYTES (256 * 1024)

// dense_rows on `rows` consecutive rows of x (any number), in slices of the inputs when W is large.
static void dense_block(const float* x, int rows, int nIn, const float* W, const float* bias, float* out, int nOut,
                        enum Activation act) {
  int slice = SLICE_BYTES / (4 * nOut);
  if (slice < 16) slice = 16;
  for (int k0 = 0; k0 < nIn; k0 += slice) {
    const int k1 = nIn - k0 > slice ? k0 + slice : nIn;
    for (int r = 0; r < rows; r += 4) {
      const int n = rows - r < 4 ? rows - r : 4;
      const float* rowsOf[4];
      for (int i = 0; i < 4; i++) rowsOf[i] = x + (r + (i < n ? i : 0)) * nIn + k0;
      dense_rows_at(rowsOf, 0, n, k1 - k0, W + k0 * nOut, k0 == 0 ? bias : 0, out + r * nOut, nOut,
                    k1 == nIn ? act : ACT_NONE);
    }
  }
}

// dense_rows_at on `rows` consecutive rows of x, each input where it lies.
static void dense_rows(const float* x, int rows, int nIn, const float* W, const float* bias, float* out,
                       int nOut, enum Activation act) {
  const float* rowsOf[4];
  for (int i = 0; i < 4; i++) rowsOf[i] = x + (i < rows ? i : 0) * nIn;
  dense_rows_at(rowsOf, 0, rows, nIn, W, bias, out, nOut, act);

}

// out = f(bias + sum over t of values[t] * W[index[t]]) for one row of a sparse input: only its
// non-zero inputs (the MLP's first layer, where about 19% of MNIST's pixels are not zero). 8 VL
// outputs at a time in eight registers, then VL, the last perhaps partial.
//   values, index  count    W  nIn x nOut    bias  nOut    out  nOut
static void sparse_row(const float* values, const int* index, int count, int nIn, const float* W,
                       const float* bias, float* out, int nOut, enum Activation act) {
  int c = 0;
  for (; c + 8 * VL <= nOut; c += 8 * VL) {
    vf a[8];
    for (int v = 0; v < 8; v++) a[v] = load(bias + c + VL * v);
    for (int t = 0; t < count; t++) {
      const vf x = splat(values[t]);
      const float* w = W + index[t] * nOut + c;
      for (int v = 0; v < 8; v++) a[v] = madd(x, load(w + VL * v), a[v]);
    }
    for (int v = 0; v < 8; v++) store(out + c + VL * v, act == ACT_NONE ? a[v] : activate(a[v], act));
  }
  for (; c < nOut; c += VL) {
    const int m = lanes_left(c, nOut);
    vf a = load_part(bias + c, m);
    for (int t = 0; t < count; t++) {
      const float* w = W + index[t] * nOut + c;
      a = madd(splat(values[t]), m == VL || w + VL <= W + nIn * nOut ? load(w) : load_part(w, m), a);
    }
    store_part(out + c, act == ACT_NONE ? a : activate(a, act), m);
  }
}

// sparse_row for up to four rows at once, each read where it lies: `index` lists, ascending, the
// inputs that are not zero in any of them (about 300 of MNIST's 784 pixels for four digits, 150 for
// one). Each weight vector is loaded once for the four rows where sparse_row loads it for each:
// half the weights' traffic from cache, which bounded sparse_row, for twice the multiply-adds, which
// the core has to spare. An input that is zero in a row adds exactly nothing to its sums, so every
// row's numbers are sparse_row's, bit for bit, whichever rows it is grouped with.
//   x  rows (1 to 4) x nIn    index  count    W  nIn x nOut    bias  nOut    out  rows x nOut
static void sparse_rows(const float* const rowsOf[4], int rows, const int* index, int count, int nIn,
                        const float* W, const float* bias, float* out, int nOut, enum Activation act) {
  const float* xr[4];
  for (int i = 0; i < 4; i++) xr[i] = rowsOf[i < rows ? i : rows - 1];  // spare lanes repeat the last row
  int c = 0;
  for (; c + DENSE_COLS * VL <= nOut; c += DENSE_COLS * VL) {
    vf a[4][DENSE_COLS];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < DENSE_COLS; v++) a[i][v] = load(bias + c + VL * v);
    }
    for (int t = 0; t < count; t++) {
      const int k = index[t];
      const float* w = W + k * nOut + c;
      vf wk[DENSE_COLS];
      for (int v = 0; v < DENSE_COLS; v++) {
        wk[v] = load(w + VL * v);
        IN_REGISTER(wk[v]);
      }
      for (int i = 0; i < 4; i++) {
        const vf s = splat(xr[i][k]);
        for (int v = 0; v < DENSE_COLS; v++) a[i][v] = madd(s, wk[v], a[i][v]);
      }
    }
    for (int i = 0; i < rows; i++) {
      for (int v = 0; v < DENSE_COLS; v++) {
        store(out + i * nOut + c + VL * v, act == ACT_NONE ? a[i][v] : activate(a[i][v], act));
      }
    }
  }
  for (; c < nOut; c += VL) {
    const int m = lanes_left(c, nOut);
    vf a[4];
    for (int i = 0; i < 4; i++) a[i] = load_part(bias + c, m);
    for (int t = 0; t < count; t++) {
      const int k = index[t];
      const float* w = W + k * nOut + c;
      const vf wk = m == VL || w + VL <= W + nIn * nOut ? load(w) : load_part(w, m);
      for (int i = 0; i < 4; i++) a[i] = madd(splat(xr[i][k]), wk, a[i]);
    }
    for (int i = 0; i < rows; i++) {
      store_part(out + i * nOut + c, act == ACT_NONE ? a[i] : activate(a[i], act), m);
    }
  }
}

// g[i][f] += sum over r < rows of x[start(r) + column[i]] · d[r·nOut + f], for i < n (1 to 4): the
// weight gradient xᵀ·dL/dy of n weight rows, each sum in row order, four weight rows sharing each
// load of d. Row r of x starts at r·stride, or at starts[r] where rows are not evenly spaced (a
// convolution's patches, read in place from its padded input).
//   x  rows x stride    d  rows x nOut    g  n x nOut
static void accumulate_rows(const float* x, const int* starts, int stride, const int* column, int n,
                            const float* d, int rows, int nOut, float* g) {
  long cols[4];  // 64-bit, so each load is one instruction: x + start + col, scaled
  for (int i = 0; i < 4; i++) cols[i] = column[i < n ? i : n - 1];  // spare lanes repeat the last
  int c = 0;
#if DENSE_COLS == 2
  // Three vectors of columns where pairs would leave one over (24 filters), as in dense_rows.
  for (; nOut - c >= 3 * VL && (nOut - c) % (2 * VL) != 0; c += 3 * VL) {
    vf a[4][3];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < 3; v++) a[i][v] = load(g + (i < n ? i : 0) * nOut + c + VL * v);
    }
    for (int r = 0; r < rows; r++) {
      const float* xr = x + (starts ? starts[r] : r * stride);
      const float* dr = d + r * nOut + c;
      vf d0 = load(dr), d1 = load(dr + VL), d2 = load(dr + 2 * VL);
      IN_REGISTER(d0);
      IN_REGISTER(d1);
      IN_REGISTER(d2);
      for (int i = 0; i < 4; i++) {
        const vf s = splat(xr[cols[i]]);
        a[i][0] = madd(s, d0, a[i][0]);
        a[i][1] = madd(s, d1, a[i][1]);
        a[i][2] = madd(s, d2, a[i][2]);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int v = 0; v < 3; v++) store(g + i * nOut + c + VL * v, a[i][v]);
    }
  }
#endif
  for (; c + DENSE_COLS * VL <= nOut; c += DENSE_COLS * VL) {
    vf a[4][DENSE_COLS];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < DENSE_COLS; v++) a[i][v] = load(g + (i < n ? i : 0) * nOut + c + VL * v);
    }
    for (int r = 0; r < rows; r++) {
      const float* xr = x + (starts ? starts[r] : r * stride);
      vf dv[DENSE_COLS];
      for (int v = 0; v < DENSE_COLS; v++) {
        dv[v] = load(d + r * nOut + c + VL * v);
        IN_REGISTER(dv[v]);
      }
      for (int i = 0; i < 4; i++) {
        const vf s = splat(xr[cols[i]]);
        for (int v = 0; v < DENSE_COLS; v++) a[i][v] = madd(s, dv[v], a[i][v]);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int v = 0; v < DENSE_COLS; v++) store(g + i * nOut + c + VL * v, a[i][v]);
    }
  }
#if DENSE_COLS > 2
  // Two vectors of columns (32 filters with AVX-512): eight chains of sums.
  for (; c + 2 * VL <= nOut; c += 2 * VL) {
    vf a[4][2];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < 2; v++) a[i][v] = load(g + (i < n ? i : 0) * nOut + c + VL * v);
    }
    for (int r = 0; r < rows; r++) {
      const float* xr = x + (starts ? starts[r] : r * stride);
      vf d0 = load(d + r * nOut + c), d1 = load(d + r * nOut + c + VL);
      IN_REGISTER(d0);  // each loaded once for the four rows, not folded into each multiply-add
      IN_REGISTER(d1);
      for (int i = 0; i < 4; i++) {
        const vf s = splat(xr[cols[i]]);
        a[i][0] = madd(s, d0, a[i][0]);
        a[i][1] = madd(s, d1, a[i][1]);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int v = 0; v < 2; v++) store(g + i * nOut + c + VL * v, a[i][v]);
    }
  }
#endif
  for (; c < nOut; c += VL) {
    const int m = lanes_left(c, nOut);
    const int room = rows * nOut - c - VL;
    const int safe = m == VL ? rows : room < 0 ? 0 : room / nOut + 1;
    vf a[4];
    for (int i = 0; i < 4; i++) a[i] = load_part(g + (i < n ? i : 0) * nOut + c, m);
    for (int r = 0; r < rows; r++) {
      const float* xr = x + (starts ? starts[r] : r * stride);
      const vf dv = r < safe ? load(d + r * nOut + c) : load_part(d + r * nOut + c, m);
      for (int i = 0; i < 4; i++) a[i] = madd(splat(xr[cols[i]]), dv, a[i]);
    }
    for (int i = 0; i < n; i++) store_part(g + i * nOut + c, a[i], m);
  }
}

// accumulate_rows for outputs one vector wide (nOut ≤ VL) and up to 8 weight rows: eight chains
// of sums where four would leave the multiply-adders half idle; each sum in row order, as there.
static void accumulate_narrow(const float* x, const int* starts, int stride, const int* column, int n,
                              const float* d, int rows, int nOut, float* g) {
  long cols[8];
  for (int i = 0; i < 8; i++) cols[i] = column[i < n ? i : n - 1];
  const int m = lanes_left(0, nOut);
  const int room = rows * nOut - VL;
  const int safe = m == VL ? rows : room < 0 ? 0 : room / nOut + 1;
  vf a[8];
  for (int i = 0; i < 8; i++) a[i] = load_part(g + (i < n ? i : 0) * nOut, m);
  for (int r = 0; r < rows; r++) {
    const float* xr = x + (starts ? starts[r] : r * stride);
    const vf dv = r < safe ? load(d + r * nOut) : load_part(d + r * nOut, m);
    for (int i = 0; i < 8; i++) a[i] = madd(splat(xr[cols[i]]), dv, a[i]);
  }
  for (int i = 0; i < n; i++) store_part(g + i * nOut, a[i], m);
}

#if DENSE_COLS == 2
// accumulate_rows for R weight rows (R a constant once inlined: 1 to 6) and a whole number of
// pairs of vectors of columns: with 6 rows, twelve chains of sums where four rows give eight (just
// the multiply-adders' latency times their count, so that any stall shows), each load of dL/dy
// shared by six rows, and a block exactly as long as the rows it has (no repeated spare rows).
static inline __attribute__((always_inline)) void accumulate_pairs(const float* x, const int* starts, int stride,
                                                                    const long* cols, int R, const float* d,
                                                                    int rows, int nOut, float* g) {
  for (int c = 0; c < nOut; c += 2 * VL) {
    vf a[6][2];
    for (int i = 0; i < R; i++) {
      for (int v = 0; v < 2; v++) a[i][v] = load(g + i * nOut + c + VL * v);
    }
    for (int r = 0; r < rows; r++) {
      const float* xr = x + (starts ? starts[r] : r * stride);
      vf d0 = load(d + r * nOut + c), d1 = load(d + r * nOut + c + VL);
      IN_REGISTER(d0);
      IN_REGISTER(d1);
      for (int i = 0; i < R; i++) {
        const vf s = splat(xr[cols[i]]);
        a[i][0] = madd(s, d0, a[i][0]);
        a[i][1] = madd(s, d1, a[i][1]);
      }
    }
    for (int i = 0; i < R; i++) {
      for (int v = 0; v < 2; v++) store(g + i * nOut + c + VL * v, a[i][v]);
    }
  }
}
#endif

// dL/dW's rows [k0, k1) (this thread's), summed over the `rows` rows of x and d: row k's input is
// x[start(r) + column[k - k0]], or x[r·stride + k] where column is null (a dense layer). The rows go
// in blocks as long as the widest kernel that fits the columns allows, split evenly (13 rows as
// 5, 4 and 4, not 4, 4, 4 and a block of one that costs as much as four).
static void accumulate_weight_rows(const float* x, const int* starts, int stride, const int* column, int k0, int k1,
                                   const float* d, int rows, int nOut, float* g) {
  const int n = k1 - k0;
  int widest = nOut <= VL ? 8 : 4;
#if DENSE_COLS == 2
  if (nOut % (2 * VL) == 0) widest = 6;
#endif
  const int blocks = (n + widest - 1) / widest;
  for (int b = 0, at = 0; b < blocks; b++) {
    const int R = (n * (b + 1)) / blocks - at;  // this block's rows: at to at + R
    int identity[8] = {0};
    for (int i = 0; i < R; i++) identity[i] = k0 + at + i;
    const int* index = column ? column + at : identity;
    float* gb = g + (k0 + at) * nOut;
    if (widest == 8) accumulate_narrow(x, starts, stride, index, R, d, rows, nOut, gb);
    else if (widest == 4) accumulate_rows(x, starts, stride, index, R, d, rows, nOut, gb);
#if DENSE_COLS == 2
    else {
      long cols[6] = {0};
      for (int i = 0; i < R; i++) cols[i] = index[i];
      switch (R) {
        case 6: accumulate_pairs(x, starts, stride, cols, 6, d, rows, nOut, gb); break;
        case 5: accumulate_pairs(x, starts, stride, cols, 5, d, rows, nOut, gb); break;
        case 4: accumulate_pairs(x, starts, stride, cols, 4, d, rows, nOut, gb); break;
        case 3: accumulate_pairs(x, starts, stride, cols, 3, d, rows, nOut, gb); break;
        case 2: accumulate_pairs(x, starts, stride, cols, 2, d, rows, nOut, gb); break;
        default: accumulate_pairs(x, starts, stride, cols, 1, d, rows, nOut, gb); break;
      }
    }
#endif
    at += R;
  }
}

// Copies weight rows [k0, k1) of W (nIn x nOut) into its transpose T (nOut x nIn): dL/dx = dL/dy·Wᵀ
// then runs on dense_rows, the register-blocked kernel of the forward pass.
static void transpose_rows(const float* W, float* T, int nIn, int nOut, int k0, int k1) {
  for (int k = k0; k < k1; k++) {
    for (int c = 0; c < nOut; c++) T[c * nIn + k] = W[k * nOut + c];
  }
}

// ---- the dense layer of a sequential network -----------------------------------------------------

// dense_forward: y = f(x·W + b) for this thread's share of the batch rows.
//   x  N x in    W  in x out    b  out    y  N x out
// mirrors lib/nn/layers/dense.ts
static NOINLINE void dense_forward(Net* net, const Layer* layer, int thread) {
  const int nIn = in_size(layer), nOut = out_size(layer), T = net->threads, N = net->rows;
  const int* L = layer->record;
  const int r = share(N, thread, T), end = share(N, thread + 1, T);
  dense_block(layer->in + r * nIn, end - r, nIn, F32(L[FIELD_W]), F32(L[FIELD_B]), layer->out + r * nOut, nOut,
              L[FIELD_ACT]);
}

// dL/dx = dL/dy · Wᵀ for this thread's rows, with the weights before their update (their transpose
// Wt, kept beside them).
static void dense_input_gradient(Net* net, const Layer* layer, int thread) {
  const int nIn = in_size(layer), nOut = out_size(layer), T = net->threads, N = net->rows;
  const int r = share(N, thread, T), end = share(N, thread + 1, T);
  dense_block(layer->dout + r * nOut, end - r, nOut, F32(layer->record[FIELD_WT]), F32(net->program[PROGRAM_ZEROS]),
              layer->din + r * nIn, nIn, ACT_NONE);
}

// dL/dW = xᵀ · dL/dy for weight rows [k0, k1), into gW.
static void dense_weight_gradient(Net* net, const Layer* layer, int k0, int k1) {
  const int nIn = in_size(layer), nOut = out_size(layer);
  float* g = F32(layer->record[FIELD_GW]);
  for (int i = k0 * nOut; i < k1 * nOut; i++) g[i] = 0.0f;
  accumulate_weight_rows(layer->in, 0, nIn, 0, k0, k1, layer->dout, net->rows, nOut, g);
}

// dense_backward: given dL/dy (through the fused activation's derivative already),
//   dL/dx = dL/dy · Wᵀ      dL/dW = xᵀ · dL/dy      dL/db = column sums of dL/dy
// then the update of this thread's weight rows and biases, and their transpose refreshed.
//   x, dL/dx  N x in    dL/dy  N x out    W, gW  in x out    Wt  out x in
// mirrors lib/nn/layers/dense.ts
static NOINLINE void dense_backward(Net* net, const Layer* layer, int thread, const Rule* rule, const Rule* biasRule) {
  const int nIn = in_size(layer), nOut = out_size(layer), T = net->threads;
  const int* L = layer->record;
  if (layer->din) dense_input_gradient(net, layer, thread);
  const int k0 = share(nIn, thread, T), k1 = share(nIn, thread + 1, T);
  dense_weight_gradient(net, layer, k0, k1);
  barrier(net);  // every thread has read the old weights (dL/dx) before any is updated
  float* W = F32(L[FIELD_W]);
  apply_update(W, F32(L[FIELD_VW]), array_of(net, layer, FIELD_SW), F32(L[FIELD_GW]), k0 * nOut, k1 * nOut, rule);
  constrain_weights(net, W, nIn, nOut, thread);
  transpose_rows(W, F32(L[FIELD_WT]), nIn, nOut, k0, k1);
  update_biases(layer->dout, net->rows, nOut, vector_share(nOut, thread, T), vector_share(nOut, thread + 1, T),
                F32(L[FIELD_B]), F32(L[FIELD_VB]), array_of(net, layer, FIELD_SB), biasRule);
}
