// A convolution and the max pooling just after it, run as one forward where nothing needs the
// convolution's whole output: a direct convolution (not Winograd's) without an activation of its
// own. Its outputs are pooled window by window as they are made, never stored: the same bits as
// the two layers apart, without writing and reading back megabytes. (Backward they stay apart:
// making dL/dy a tile at a time where the weight gradient reads it, on every thread, measured no
// faster.)

// Whether layer l is a convolution whose pooling (layer l + 1) runs fused with it.
static int pools_as_it_goes(const Net* net, int l) {
  const int* L = record_of(net, l);
  return l + 1 < net->program[PROGRAM_LAYERS] && L[FIELD_TYPE] == LAYER_CONV2D && !L[FIELD_WINO] &&
         L[FIELD_ACT] == ACT_NONE && record_of(net, l + 1)[FIELD_TYPE] == LAYER_MAXPOOL;
}

// conv2d_forward and maxpool_forward in one: for each pooled position, the s x s convolution
// outputs of its window (dense_rows_at, four at a time; two windows' at once through
// narrow_rows_at where the filters fill one vector or less), into this thread's buffer past the
// patch table, then their maximum. Each output's sum is the one conv2d_forward makes, so the
// numbers are the same bits; the convolution's output is simply never stored.
static NOINLINE void conv2d_pool_forward(Net* net, const Layer* conv, const Layer* pool, int thread) {
  const int* L = conv->record;
  const int C = conv->C, k = L[FIELD_SIZE], pad = L[FIELD_PAD], F = conv->Co, K = k * k * C;
  const int Hp = conv->H + 2 * pad, Wp = conv->W + 2 * pad, H = pool->H, W = pool->W;
  const int s = pool->record[FIELD_SIZE], Ho = pool->Ho, Wo = pool->Wo;
  const float *weights = F32(L[FIELD_W]), *bias = F32(L[FIELD_B]);
  const float* padded = padded_input(net, conv, thread);
  int at[K];                                     // the patch table, on the stack (as for dL/dW)
  float* window = patch_of(net, conv, thread);  // the windows' outputs, F channels each
  for (int kk = 0; kk < K; kk++) at[kk] = ((kk / (k * C)) * Wp + kk / C % k) * C + kk % C;
  int* argmax = (int*)(net->base + pool->record[FIELD_ARGMAX]);
  const int narrow = F <= VL, R = narrow ? 8 : 4, G = narrow ? 2 : 1;  // rows a product, windows a step
  const int T = net->threads, P = net->rows * Ho * Wo, from = share(P, thread, T), end = share(P, thread + 1, T);
  int n = from / (Ho * Wo), i = from / Wo % Ho, j = from % Wo;
  int p = from;
  if (s == 2) {
    // The common case written out: a window's four patches are one column and one row apart.
    const int offsets[4] = {0, C, Wp * C, (Wp + 1) * C};
    for (; p < end; p += G) {
      const int g = end - p < G ? end - p : G;
      const float* rowsOf[8] = {0};  // all set: the kernel picks spare rows among them
      int wn = n, wi = i, wj = j;
      for (int w = 0; w < g; w++, next_position(&wn, &wi, &wj, Ho, Wo)) {
        const float* corner = padded + ((wn * Hp + 2 * wi) * Wp + 2 * wj) * C;
        for (int q = 0; q < 4; q++) rowsOf[4 * w + q] = corner + offsets[q];
      }
      if (narrow) narrow_rows_at(rowsOf, at, 4 * g, K, weights, bias, window, F, ACT_NONE);
      else dense_rows_at(rowsOf, at, 4, K, weights, bias, window, F, ACT_NONE);
      for (int w = 0; w < g; w++, next_position(&n, &i, &j, Ho, Wo)) {
        pool_window(window + w * 4 * F, 2 * F, F, ((n * H + 2 * i) * W + 2 * j) * F, W, F, 2, pool->out + (p + w) * F,
                    argmax + (p + w) * F, pool->record[FIELD_ACT]);
      }
    }
  }
  for (; p < end; p += G) {
    const int g = end - p < G ? end - p : G;
    const float* rowsOf[8] = {0};  // all set: the kernel picks spare rows among them
    int rows = 0, done = 0, wn = n, wi = i, wj = j;
    for (int w = 0; w < g; w++, next_position(&wn, &wi, &wj, Ho, Wo)) {
      for (int u = 0; u < s; u++) {
        for (int v = 0; v < s; v++) {
          rowsOf[rows++] = padded + ((wn * Hp + s * wi + u) * Wp + s * wj + v) * C;
          if (rows < R && !(w == g - 1 && u == s - 1 && v == s - 1)) continue;
          if (narrow) narrow_rows_at(rowsOf, at, rows, K, weights, bias, window + done * F, F, ACT_NONE);
          else dense_rows_at(rowsOf, at, rows, K, weights, bias, window + done * F, F, ACT_NONE);
          done += rows;
          rows = 0;
        }
      }
    }
    for (int w = 0; w < g; w++, next_position(&n, &i, &j, Ho, Wo)) {
      pool_window(window + w * s * s * F, s * F, F, ((n * H + s * i) * W + s * j) * F, W, F, s,
                  pool->out + (p + w) * F, argmax + (p + w) * F, pool->record[FIELD_ACT]);
    }
  }
}

