// The multi-layer perceptron of lib/nn/mlp.ts (feedForward, backprop and the optimizer's step), as
// one fused job per mini-batch: the same mathematics, arranged for speed on the products of dense.c.
//
//   forward    a[l+1] = f(a[l] W[l] + b[l]), softmax at the output        (forward_rows)
//   backward   delta[L] = (p − y) / m; delta[l] = (delta[l+1] W[l]ᵀ) ⊙ f'(a[l])   (back_delta)
//   update     dL/dW[l] = a[l]ᵀ delta[l+1], dL/db[l] = column sums of delta[l+1], applied at once
//   shapes     a[l], delta[l]  rows x sizes[l];  W[l]  sizes[l] x sizes[l+1];  b[l]  sizes[l+1]
// mirrors lib/nn/mlp.ts
//
// - The first layer reads only the non-zero input pixels (about 19% of MNIST), in the forward
//   product (row-wise lists, sparse_row) and in its weight gradient (column-wise lists), and no
//   gradient is computed for the input itself.
// - Bias and activation are fused into the product that makes each layer's output (dense_rows).
// - Each weight gradient is formed in registers one weight row at a time and applied at once with
//   the update rule (rules.c), so it is never stored; four weight rows at a time share each load
//   of the deltas.
// - Threads split the batch rows for the forward pass and the deltas, then the weight rows for
//   the update. Every sum keeps the same order whatever the thread count, so the results are
//   bit-identical on 1 thread or 4.

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

#if defined(__AVX512F__)
// The inputs j to j + 15 whose lanes are set in `mask`, packed to the front of a register and
// stored whole at `index` (the caller's list has room: count + 16 ≤ j + 16 ≤ n); returns how many.
static inline int store_lane_indices(int* index, int mask, int j) {
  const __m512i at = _mm512_add_epi32(_mm512_set1_epi32(j),
                                      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  _mm512_storeu_si512(index, _mm512_maskz_compress_epi32((__mmask16)mask, at));
  return __builtin_popcount((unsigned)mask);
}
#endif

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
    // The row four ahead is asked for meanwhile (a prefetch never faults, past the end either):
    // classifying reads each image once, from memory, and waited for it (a fifth of its time).
    for (; j + VL <= n; j += VL) {
      __builtin_prefetch(row + 4 * n + j);
      const vf pixels = load(row + j);
      const int mask = nonzero_lanes(pixels);
      if (!mask) continue;
#if defined(__AVX512F__)
      // The non-zero lanes packed to the front of a register (one instruction each for values and
      // indices), stored whole: count + 16 ≤ j + 16 ≤ n, inside the row's own lists.
      _mm512_storeu_ps(value + count, _mm512_maskz_compress_ps((__mmask16)mask, (__m512)pixels));
      count += store_lane_indices(index + count, mask, j);
#else
      for (int m = mask; m; m &= m - 1) {
        const int i = __builtin_ctz((unsigned)m);
        index[count] = j + i;
        value[count++] = row[j + i];
      }
#endif
    }
    for (; j < n; j++) {
      if (row[j] != 0.0f) { index[count] = j; value[count++] = row[j]; }
    }
    net->rowCount[r] = count;
  }
}

// Lists, ascending, the inputs of n values that are not zero in any of the four rows `x` into
// `index`, for sparse_rows; returns how many. The next four rows are asked for meanwhile, as
// index_rows does.
static int index_union(const float* const x[4], int n, int* index) {
  int count = 0, j = 0;
  for (; j + VL <= n; j += VL) {
    int mask = 0;
    for (int i = 0; i < 4; i++) {
      __builtin_prefetch(x[i] + 4 * n + j);
      mask |= nonzero_lanes(load(x[i] + j));
    }
    if (!mask) continue;
#if defined(__AVX512F__)
    count += store_lane_indices(index + count, mask, j);
#else
    for (int m = mask; m; m &= m - 1) index[count++] = j + __builtin_ctz((unsigned)m);
#endif
  }
  for (; j < n; j++) {
    if (x[0][j] != 0.0f || x[1][j] != 0.0f || x[2][j] != 0.0f || x[3][j] != 0.0f) index[count++] = j;
  }
  return count;
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

// Feeds batch rows [from, to) forward; the softmax output is in activations[layers].
static void forward_rows(Net* net, int from, int to) {
  const int L = net->layers;
  for (int l = 0; l < L; l++) {
    const int nIn = net->sizes[l], nOut = net->sizes[l + 1];
    const enum Activation act = l == L - 1 ? ACT_NONE : net->hidden;
    if (l == 0 && net->mode == MODE_MLP_CLASSIFY) {
      // Four rows at a time, read where they lie: see sparse_rows.
      for (int r = from; r < to; r += 4) {
        const int rows = to - r < 4 ? to - r : 4;
        const float* rowsOf[4];  // a short group repeats its last row
        for (int i = 0; i < 4; i++) rowsOf[i] = net->activations[0] + (r + (i < rows ? i : rows - 1)) * nIn;
        int* index = net->rowIndex + r * nIn;
        const int count = index_union(rowsOf, nIn, index);
        sparse_rows(rowsOf, rows, index, count, nIn, net->weights[0], net->biases[0],
                    net->activations[1] + r * nOut, nOut, act);
      }
    } else if (l == 0) {
      for (int r = from; r < to; r++) {
        sparse_row(net->rowValueOf[r], net->rowIndexOf[r], net->rowCount[r], nIn, net->weights[0],
                   net->biases[0], net->activations[1] + r * nOut, nOut, act);
      }
    } else {
      dense_block(net->activations[l] + from * nIn, to - from, nIn, net->weights[l], net->biases[l],
                  net->activations[l + 1] + from * nOut, nOut, act);
    }
    for (int r = from; r < to; r++) {
      float* out = net->activations[l + 1] + r * nOut;
      if (l == L - 1) softmax_row(out, nOut);
      else if (net->mode != MODE_MLP_CLASSIFY && net->dropThreshold[l + 1]) drop_row(net, l + 1, r, out, nOut);
    }
  }
}

// ---- backward, fused with the update ------------------------------------------------------------

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
    const int m = lanes_left(c, nOut);
    vf g = splat(0.0f);
    for (int t = 0; t < count; t++) g = madd(splat(values[t]), load_part(delta + rowsOf[t] * nOut + c, m), g);
    update(w + c, velocityRow + c, squareRow + c, g, m, rule);
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
    const int m = lanes_left(c, nOut);
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
      update(w + at, velocity + at, square + at, g[i], m, rule);
    }
  }
}

// delta[l][r] = (delta[l+1][r] W_l^T) * f'(a_l[r]), with the weights before their update. The
// transposed copy of W_l turns the product into the register-blocked kernel of the forward pass.
static void back_delta(Net* net, int l, int from, int to) {
  const int n = net->sizes[l], nNext = net->sizes[l + 1];
  const unsigned threshold = net->dropThreshold[l];
  const float keep = net->dropKeep[l];
  dense_block(net->deltas[l + 1] + from * nNext, to - from, nNext, net->transposed[l], net->zeros,
              net->deltas[l] + from * n, n, ACT_NONE);
  for (int r = from; r < to; r++) {
    float* out = net->deltas[l] + r * n;
    const float* a = net->activations[l] + r * n;
    if (threshold) {
      // With dropout, a = f(z) * keep for a kept unit and 0 for a dropped one: the derivative is
      // f'(z) * keep, from f(z) = a / keep, and a dropped unit passes nothing back.
      for (int i = 0; i < n; i += VL) {
        const int m = lanes_left(i, n);
        const vi dropped = dropped_lanes(net, l, (unsigned)(r * n + i), 1, threshold);
        const vf d = load_part(out + i, m) * derivative(load_part(a + i, m) / keep, net->hidden) * keep;
        store_part(out + i, blend(dropped, splat(0.0f), d), m);
      }
      continue;
    }
    int i = 0;
    for (; i + VL <= n; i += VL) store(out + i, load(out + i) * derivative(load(a + i), net->hidden));
    for (; i < n; i++) out[i] *= derivative1(a[i], net->hidden);
  }
}

// Refreshes every transposed copy: after the weights were loaded from outside.
EXPORT_AS(refresh_transposed)
void refresh_transposed(Net* net) {
  for (int l = 1; l < net->layers; l++) {
    transpose_rows(net->weights[l], net->transposed[l], net->sizes[l], net->sizes[l + 1], 0, net->sizes[l]);
  }
}

// Thread `thread`'s share of the current job. Rows are split for everything that works row by row
// (gathering, forward, deltas); weight rows and bias columns are split for the update, which reads
// every batch row. Barriers separate the phases.
static void mlp_part(Net* net, int thread) {
  const int T = net->threads, rows = net->rows, L = net->layers;
  if (net->mode == MODE_MLP_CLASSIFY) {
    // Rows are independent here: each thread takes the next chunk of rows as it finishes one, so
    // images with more ink (more of the sparse first layer's work) leave no thread waiting for the
    // other, and whoever takes a row, its numbers are the same.
    enum { CHUNK = 16 };
    for (int r; (r = __atomic_fetch_add(&net->nextRow, CHUNK, __ATOMIC_SEQ_CST)) < rows;) {
      const int end = rows - r < CHUNK ? rows : r + CHUNK;
      forward_rows(net, r, end);
    }
    barrier(net);
    return;
  }
  const int from = share(rows, thread, T), to = share(rows, thread + 1, T);
  if (net->mode == MODE_MLP_TRAIN_INDEXED) point_rows(net, from, to);
  else index_rows(net, from, to);
  forward_rows(net, from, to);
  // Output layer: delta = (p - y) / m, y smoothed when asked; then back through the layers, with
  // the old weights.
  const int classes = net->sizes[L];
  const float scale = 1.0f / (float)rows;
  for (int r = from; r < to; r++) {
    softmax_loss_gradient(net->activations[L] + r * classes, net->labels[r], classes, scale,
                          net->labelSmoothing, net->deltas[L] + r * classes);
  }
  for (int l = L - 1; l > 0; l--) back_delta(net, l, from, to);
  barrier(net);

  const Rule rule = weight_rule(net), biasRule = bias_rule(net);
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
      transpose_rows(net->weights[l], net->transposed[l], nIn, nOut, k0, k1);
    }
    // Biases: gradient = column sums of delta; no weight decay.
    update_biases(net->deltas[l + 1], rows, nOut, vector_share(nOut, thread, T), vector_share(nOut, thread + 1, T),
                  net->biases[l], net->velocityB[l], net->squareB[l], &biasRule);
  }
  barrier(net);
  if (net->maxNorm > 0.0f) {
    // Max-norm needs every row of a layer updated first; then the transposed copies again.
    for (int l = 0; l < L; l++) {
      const int nOut = net->sizes[l + 1];
      max_norm_columns(net->weights[l], net->sizes[l], nOut, vector_share(nOut, thread, T), vector_share(nOut, thread + 1, T),
                       net->maxNorm);
    }
    barrier(net);
    for (int l = 1; l < L; l++) {
      const int nIn = net->sizes[l];
      transpose_rows(net->weights[l], net->transposed[l], nIn, net->sizes[l + 1], share(nIn, thread, T),
                     share(nIn, thread + 1, T));
    }
    barrier(net);
  }
}
