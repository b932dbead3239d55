// 2-D convolutions, stride 1, zero padding p, channels-last. A convolution is a dense product per
// output position: four positions at a time, their input patches (k·k·C values each, read in place
// from a zero-padded copy of the input) times the weights, laid out as (k·k·C) x F, bias and
// activation fused. The gradient of the input is the transpose of that: each position's gradient
// times the transposed weights, added back onto its window. The gradient of the weights sums
// patch x output-gradient products over every position, in tiles of positions that stay in cache,
// each weight's sum in position order.

// Copies each image (channels-last, H x W) into the middle of its zero-bordered copy; the border
// was zeroed once and is never written.
static void pad_images(const float* in, float* padded, int images, int H, int W, int C, int pad) {
  const int Hp = H + 2 * pad, Wp = W + 2 * pad;
  for (int n = 0; n < images; n++) {
    for (int h = 0; h < H; h++) {
      __builtin_memcpy(padded + ((n * Hp + h + pad) * Wp + pad) * C, in + ((n * H + h) * W) * C,
                       sizeof(float) * W * C);
    }
  }
}

// pad_images on this thread's share of the batch's images.
static void pad_share(Net* net, int thread, const float* in, float* padded, int H, int W, int C, int pad) {
  const int T = net->threads, N = net->rows, n0 = share(N, thread, T), n1 = share(N, thread + 1, T);
  const int Hp = H + 2 * pad, Wp = W + 2 * pad;
  pad_images(in + n0 * H * W * C, padded + n0 * Hp * Wp * C, n1 - n0, H, W, C, pad);
}

// The input as a convolution reads it: copied zero-padded into xpad (this thread's images, then a
// barrier for the others'), or, without padding, the input itself where it lies.
static const float* padded_input(Net* net, const Layer* layer, int thread) {
  const int* L = layer->record;
  if (!L[FIELD_PAD]) return layer->in;
  float* padded = F32(L[FIELD_XPAD]);
  pad_share(net, thread, layer->in, padded, layer->H, layer->W, layer->C, L[FIELD_PAD]);
  barrier(net);
  return padded;
}

// out = f(conv(padded, W) + b) for output positions [from, to): four at a time through
// dense_rows_at, which reads each patch in place: position (n, i, j) starts at
// ((n·Hp + i)·Wp + j)·C of the padded input, and its value (u, v, c) lies (u·Wp + v)·C + c past
// that (the table `at`, K ints, made once).
static void convolve(const float* padded, int Hp, int Wp, int C, int k, const float* W, const float* b,
                     float* out, int Ho, int Wo, int F, enum Activation act, int* at, int from, int to) {
  const int K = k * k * C;
  for (int kk = 0; kk < K; kk++) at[kk] = ((kk / (k * C)) * Wp + kk / C % k) * C + kk % C;
  int n = from / (Ho * Wo), i = from / Wo % Ho, j = from % Wo;
  for (int p = from; p < to; p += 4) {
    const int rows = to - p < 4 ? to - p : 4;
    const float* rowsOf[4] = {0};  // all set: the kernel picks spare rows among them
    for (int q = 0; q < rows; q++) {
      rowsOf[q] = padded + ((n * Hp + i) * Wp + j) * C;
      next_position(&n, &i, &j, Ho, Wo);
    }
    dense_rows_at(rowsOf, at, rows, K, W, b, out + p * F, F, act);
  }
}

// This thread's positions of P, in blocks of four shared out whole: its share starts on a multiple
// of 4, and the last thread takes the remainder.
static inline void position_share(int P, int thread, int T, int* from, int* to) {
  *from = share(P / 4, thread, T) * 4;
  *to = thread == T - 1 ? P : share(P / 4, thread + 1, T) * 4;
}

// conv2d_forward: y = f(b + conv(x, w)), with x read as 0 outside the image:
//   y[n,i,j,f] = f(b[f] + Σ_u,v,c  xpad[n, i+u, j+v, c] · w[(u·k + v)·C + c, f])
//   x  N x H x W x C    xpad  N x (H+2p) x (W+2p) x C    w  (k·k·C) x F    b  F
//   y  N x H' x W' x F, H' = H + 2p − k + 1, W' = W + 2p − k + 1
// mirrors lib/nn/layers/conv2d.ts
// A 3 × 3 layer laid out with Winograd's arrays runs as winograd.c computes it.
static NOINLINE void conv2d_forward(Net* net, const Layer* layer, int thread) {
  if (layer->record[FIELD_WINO]) {
    winograd_forward(net, layer, thread);
    return;
  }
  const int* L = layer->record;
  const int C = layer->C, H = layer->H, W = layer->W, k = L[FIELD_SIZE], pad = L[FIELD_PAD];
  const int Hp = H + 2 * pad, Wp = W + 2 * pad;
  const float* padded = padded_input(net, layer, thread);
  int from, to;
  position_share(net->rows * layer->Ho * layer->Wo, thread, net->threads, &from, &to);
  convolve(padded, Hp, Wp, C, k, F32(L[FIELD_W]), F32(L[FIELD_B]), layer->out, layer->Ho, layer->Wo,
           layer->Co, L[FIELD_ACT], (int*)patch_of(net, layer, thread), from, to);
}

// dL/dx, the transpose of the forward's gather ("col2im"): each output position's patch gradient,
// dL/dy[p] · Wᵀ (k·k·C values, by dense_rows on the transposed filters Wt), is added back onto the
// window of the input it was gathered from, into a zero-padded copy whose middle is then dL/dx:
//   dpatch[p, (u·k + v)·C + c] = Σ_f dy[p, f] · w[(u·k + v)·C + c, f]
//   dxpad[n, i+u, j+v, c] += dpatch[(n,i,j), (u·k + v)·C + c]
// A thread owns whole images and adds their positions in order: every sum keeps one order.
static NOINLINE void conv2d_input_gradient(Net* net, const Layer* layer, int thread) {
  const int* L = layer->record;
  const int T = net->threads, N = net->rows, C = layer->C, H = layer->H, W = layer->W;
  const int k = L[FIELD_SIZE], pad = L[FIELD_PAD], Ho = layer->Ho, Wo = layer->Wo, F = layer->Co;
  const int Hp = H + 2 * pad, Wp = W + 2 * pad, K = k * k * C, row = k * C;
  // Without padding the window lands on dL/dx itself.
  float* padded = pad ? F32(L[FIELD_DPAD]) : layer->din;
  float* dpatch = patch_of(net, layer, thread);
  for (int n = share(N, thread, T), end = share(N, thread + 1, T); n < end; n++) {
    float* image = padded + n * Hp * Wp * C;
    for (int i = 0; i < Hp * Wp * C; i++) image[i] = 0.0f;
    int i = 0, j = 0, wrapped = 0;  // (i, j) of position q; wrapped counts the whole image
    for (int q = 0; q < Ho * Wo; q += 4) {
      const int rows = Ho * Wo - q < 4 ? Ho * Wo - q : 4, p = n * Ho * Wo + q;
      dense_rows(layer->dout + p * F, rows, F, F32(L[FIELD_WT]), F32(net->program[PROGRAM_ZEROS]), dpatch,
                 K, ACT_NONE);
      for (int t = 0; t < rows; t++) {
        for (int u = 0; u < k; u++) add_floats(image + ((i + u) * Wp + j) * C, dpatch + t * K + u * row, row);
        next_position(&wrapped, &i, &j, Ho, Wo);
      }
    }
    if (pad) {
      for (int h = 0; h < H; h++) {
        copy_floats(layer->din + (n * H + h) * W * C, image + ((h + pad) * Wp + pad) * C, W * C);
      }
    }
  }
}

// dL/dW for this thread's weight rows [k0, k1), tile by tile of CONV_TILE positions, into gW:
//   dL/dw[(u·k + v)·C + c, f] = Σ_n,i,j  xpad[n, i+u, j+v, c] · dy[n,i,j,f]
// The patches are read where they lie in the padded input: position (n, i, j) starts at
// ((n·Hp + i)·Wp + j)·C, and weight row (u, v, c) is (u·Wp + v)·C + c past it (the table
// `column`, made once a call), in blocks of weight rows (accumulate_weight_rows).
// The bias gradient of this thread's columns [c0, c1) is summed on the way, from each tile while it
// is in cache (into sums, in position order, as update_biases would sum them in a pass of its own).
static void conv2d_weight_gradient(Net* net, const Layer* layer, int k0, int k1, float* sums, int c0, int c1) {
  const int* L = layer->record;
  const int C = layer->C, Co = layer->Co, k = L[FIELD_SIZE], pad = L[FIELD_PAD];
  const int Hp = layer->H + 2 * pad, Wp = layer->W + 2 * pad, Ho = layer->Ho, Wo = layer->Wo;
  const int P = net->rows * Ho * Wo;
  const float* padded = pad ? F32(L[FIELD_XPAD]) : layer->in;  // as the forward read it
  float* g = F32(L[FIELD_GW]);
  int column[k1 - k0 + 1];  // on the stack: read from the patch buffer, clang's WebAssembly build summed wrongly
  for (int row = k0; row < k1; row++) column[row - k0] = ((row / (k * C)) * Wp + row / C % k) * C + row % C;
  int starts[CONV_TILE];
  for (int i = k0 * Co; i < k1 * Co; i++) g[i] = 0.0f;
  // Position (n, i, j)'s start, counted: one column on, or on to the next row or image.
  int start = 0, i = 0, j = 0;
  for (int p0 = 0; p0 < P; p0 += CONV_TILE) {
    const int tp = P - p0 < CONV_TILE ? P - p0 : CONV_TILE;
    for (int t = 0; t < tp; t++) {
      starts[t] = start;
      start += C;
      if (++j == Wo) {
        j = 0;
        start += (Wp - Wo) * C;
        if (++i == Ho) {
          i = 0;
          start += (Hp - Ho) * Wp * C;
        }
      }
    }
    const float* dy = layer->dout + p0 * Co;
    add_column_sums(dy, tp, Co, sums, c0, c1);  // this thread's bias columns, in position order
    accumulate_weight_rows(padded, starts, 0, column, k0, k1, dy, tp, Co, g);
  }
}

// The update after the gradients: this thread's filter rows [k0, k1), their transposed copy, and
// its biases, from dL/dy's column sums (update_biases) or from the sums already made (`sums`).
static void conv2d_update(Net* net, const Layer* layer, int thread, int k0, int k1, const float* sums,
                          const Rule* rule, const Rule* biasRule) {
  const int* L = layer->record;
  const int T = net->threads, Co = layer->Co, K = L[FIELD_SIZE] * L[FIELD_SIZE] * layer->C;
  const int c0 = vector_share(Co, thread, T), c1 = vector_share(Co, thread + 1, T);
  float* W = F32(L[FIELD_W]);
  apply_update(W, F32(L[FIELD_VW]), array_of(net, layer, FIELD_SW), F32(L[FIELD_GW]), k0 * Co, k1 * Co, rule);
  constrain_weights(net, W, K, Co, thread);
  transpose_rows(W, F32(L[FIELD_WT]), K, Co, k0, k1);
  float *b = F32(L[FIELD_B]), *vb = F32(L[FIELD_VB]), *sb = array_of(net, layer, FIELD_SB);
  if (sums) update_biases_by(sums + c0, c0, c1, b, vb, sb, biasRule);
  else update_biases(layer->dout, net->rows * layer->Ho * layer->Wo, Co, c0, c1, b, vb, sb, biasRule);
}

// conv2d_backward: given dL/dy (through the fused activation's derivative already),
//   dL/dx = each position's dL/dy · Wᵀ, added back onto its window (conv2d_input_gradient)
//   dL/dw = Σ over positions of patch · dL/dy                      (conv2d_weight_gradient)
//   dL/db[f] = Σ_n,i,j dy[n,i,j,f]                                 (update_biases)
// then the update of this thread's filter rows, their transposed copy, and the biases.
//   dL/dy  N x H' x W' x F    dL/dx  N x H x W x C    w, gW  (k·k·C) x F    Wt  F x (k·k·C)
// mirrors lib/nn/layers/conv2d.ts
static NOINLINE void conv2d_backward(Net* net, const Layer* layer, int thread, const Rule* rule, const Rule* biasRule) {
  const int* L = layer->record;
  const int T = net->threads, K = L[FIELD_SIZE] * L[FIELD_SIZE] * layer->C;
  const int k0 = share(K, thread, T), k1 = share(K, thread + 1, T);
  if (L[FIELD_WINO]) winograd_backward(net, layer, thread, k0, k1);
  else {
    if (layer->din) conv2d_input_gradient(net, layer, thread);
    float sums[layer->Co];
    for (int c = 0; c < layer->Co; c++) sums[c] = 0.0f;
    conv2d_weight_gradient(net, layer, k0, k1, sums, vector_share(layer->Co, thread, T),
                           vector_share(layer->Co, thread + 1, T));
    barrier(net);  // every thread has read the old filters (dL/dx) before any is updated
    conv2d_update(net, layer, thread, k0, k1, sums, rule, biasRule);
    return;
  }
  barrier(net);
  conv2d_update(net, layer, thread, k0, k1, 0, rule, biasRule);
}
