// The fast engines' kernels for sequential networks (convolutional ones): included by mlp.c, whose
// vectors, thread pool, dense kernel (dense_rows), activations and update rules they share.
//
// The TypeScript side (lib/engines/kernel_cnn.ts) writes a program: a header of ints, then one
// record of LAYER_INTS ints per layer giving its kind, its shapes and where its arrays lie (byte
// offsets from net->base: 0 in WebAssembly, the block's address natively). One call of run_batch
// (mode 4: a training step; mode 5: forward only) runs the whole program on every thread, each
// doing its share of every layer, with barriers between layers.
//
// Layout: images travel channels-last (NHWC: each pixel's C channels side by side), so a
// convolution is a dense product per output position. For four positions at a time, their input
// patches (k·k·C values each, from a zero-padded copy of the input) are gathered into a small
// buffer and dense_rows multiplies them by the weights, laid out as (k·k·C) x F, bias and
// activation fused. The gradient of the input is the same kernel run on the zero-padded output
// gradient with the filters flipped and their channels swapped (a "full" convolution); the
// gradient of the weights sums patch x output-gradient products over every position, in tiles
// that stay in cache, each weight's sum in position order. Flatten turns NHWC into the reference's
// channels-first order, so dense layers use the reference's weights as they are.
//
// Threads split the positions (or the images, or the rows) of each phase, and the weight rows of
// each update: every sum keeps one order whatever the thread count, so results are bit-identical
// on 1 thread or 4.

enum { L_CONV, L_MAXPOOL, L_DENSE, L_FLATTEN, L_ACTIVATION, L_DROPOUT };
enum {
  F_TYPE, F_INC, F_INH, F_INW, F_OUTC, F_OUTH, F_OUTW, F_SIZE, F_PAD, F_ACT, F_OUT, F_DOUT,
  F_W, F_B, F_VW, F_VB, F_SW, F_SB, F_GW, F_WT, F_ARGMAX, F_XPAD, F_DPAD, F_PATCH, F_PATCH_FLOATS,
  F_DROP, F_KEEP, F_INDEX, LAYER_INTS = 32
};
enum { H_LAYERS, H_INPUT, H_LABELS, H_ZEROS, HEADER_INTS = 8 };

// Positions per tile of the weight gradient: a tile's patches and output gradients stay in cache
// while every weight row of the thread passes over them.
#define TILE 64

#define F32(offset) ((float*)(net->base + (offset)))

static inline const int* layer_of(const Net* net, int l) {
  return net->program + HEADER_INTS + l * LAYER_INTS;
}
static inline int out_size(const int* L) { return L[F_OUTC] * L[F_OUTH] * L[F_OUTW]; }
static inline int in_size(const int* L) { return L[F_INC] * L[F_INH] * L[F_INW]; }
// The input of layer l (the images for the first) and the gradient it passes back (none for the
// first).
static inline float* input_of(const Net* net, int l) {
  return l == 0 ? F32(net->program[H_INPUT]) : F32(layer_of(net, l - 1)[F_OUT]);
}
static inline float* input_gradient_of(const Net* net, int l) {
  return l == 0 ? 0 : F32(layer_of(net, l - 1)[F_DOUT]);
}

// ---- small pieces --------------------------------------------------------------------------------

// The number the reference gives value i of a batch (channels-last here) when it draws dropout
// masks: its index in channels-first order, (n·C + c)·H·W + h·W + w.
static inline unsigned unit_of(const int* L, int i) {
  const int C = L[F_INC], HW = L[F_INH] * L[F_INW];
  if (HW == 1) return (unsigned)i;
  const int n = i / (HW * C), q = i / C % HW, c = i % C;
  return (unsigned)((n * C + c) * HW + q);
}

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

// The patch of output position p (image n, row i, column j) of a k x k convolution over a padded
// input: k·k·C values, row u, column v, channel c at (u·k + v)·C + c.
static void gather_patch(const float* padded, int p, int Ho, int Wo, int Hp, int Wp, int C, int k,
                         float* patch) {
  const int n = p / (Ho * Wo), i = p / Wo % Ho, j = p % Wo;
  for (int u = 0; u < k; u++) {
    __builtin_memcpy(patch + u * k * C, padded + ((n * Hp + i + u) * Wp + j) * C, sizeof(float) * k * C);
  }
}

// out = f(conv(padded, W) + b) for output positions [from, to): four at a time through dense_rows.
static void convolve(const float* padded, int Hp, int Wp, int C, int k, const float* W, const float* b,
                     float* out, int Ho, int Wo, int F, int act, float* patch, int from, int to) {
  const int K = k * k * C;
  for (int p = from; p < to; p += 4) {
    const int rows = to - p < 4 ? to - p : 4;
    for (int q = 0; q < rows; q++) gather_patch(padded, p + q, Ho, Wo, Hp, Wp, C, k, patch + q * K);
    dense_rows(patch, rows, K, W, b, out + p * F, F, act < 0 ? 0 : act, act < 0);
  }
}

// g[i][f] += sum over r < rows of x[r·stride + col + i] · d[r·nOut + f], for i < n (1 to 4): the
// weight gradient of n consecutive weight rows, each sum in row order.
static void accumulate_rows(const float* x, int stride, int col, int n, const float* d, int rows,
                            int nOut, float* g) {
  int cols[4];
  for (int i = 0; i < 4; i++) cols[i] = col + (i < n ? i : n - 1);  // spare lanes repeat the last
  int c = 0;
  for (; c + DENSE_COLS * VL <= nOut; c += DENSE_COLS * VL) {
    vf a[4][DENSE_COLS];
    for (int i = 0; i < 4; i++) {
      for (int v = 0; v < DENSE_COLS; v++) a[i][v] = load(g + (i < n ? i : 0) * nOut + c + VL * v);
    }
    for (int r = 0; r < rows; r++) {
      vf dv[DENSE_COLS];
      for (int v = 0; v < DENSE_COLS; v++) dv[v] = load(d + r * nOut + c + VL * v);
      for (int i = 0; i < 4; i++) {
        const vf s = splat(x[r * stride + cols[i]]);
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
      const vf d0 = load(d + r * nOut + c), d1 = load(d + r * nOut + c + VL);
      for (int i = 0; i < 4; i++) {
        const vf s = splat(x[r * stride + cols[i]]);
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
    const int m = nOut - c < VL ? nOut - c : VL;
    const int room = rows * nOut - c - VL;
    const int safe = m == VL ? rows : room < 0 ? 0 : room / nOut + 1;
    vf a[4];
    for (int i = 0; i < 4; i++) a[i] = load_part(g + (i < n ? i : 0) * nOut + c, m);
    for (int r = 0; r < rows; r++) {
      const vf dv = r < safe ? load(d + r * nOut + c) : load_part(d + r * nOut + c, m);
      for (int i = 0; i < 4; i++) a[i] = madd(splat(x[r * stride + cols[i]]), dv, a[i]);
    }
    for (int i = 0; i < n; i++) store_part(g + i * nOut + c, a[i], m);
  }
}

// Applies the update rule to parameters [from, to) from their gradients g.
static void apply_update(float* w, float* v, float* s, const float* g, int from, int to, const Rule* rule) {
  for (int i = from; i < to; i += VL) {
    const int m = to - i < VL ? to - i : VL;
    update_part(w + i, v + i, s ? s + i : v + i, m == VL ? load(g + i) : load_part(g + i, m), m, rule);
  }
}

// A dropout layer's mask for value i of this step, as lib/nn/dropout.ts draws it: 0 for a dropped
// unit, 1 / (1 − rate) for a kept one.
static inline float drop_factor(const Net* net, const int* L, int i) {
  float keep;
  __builtin_memcpy(&keep, &L[F_KEEP], sizeof keep);
  return drop_hash(net, L[F_INDEX], unit_of(L, i)) < (unsigned)L[F_DROP] ? 0.0f : keep;
}

// ---- each layer's share of the forward pass ---------------------------------------------------------

static void forward_layer(Net* net, int l, int thread, int training) {
  const int* L = layer_of(net, l);
  const int T = net->threads, N = net->rows;
  const float* in = input_of(net, l);
  float* out = F32(L[F_OUT]);
  const int C = L[F_INC], H = L[F_INH], W = L[F_INW], Co = L[F_OUTC], Ho = L[F_OUTH], Wo = L[F_OUTW];
  switch (L[F_TYPE]) {
    case L_CONV: {
      const int k = L[F_SIZE], pad = L[F_PAD], Hp = H + 2 * pad, Wp = W + 2 * pad;
      float* padded = F32(L[F_XPAD]);
      pad_images(in + share(N, thread, T) * H * W * C, padded + share(N, thread, T) * Hp * Wp * C,
                 share(N, thread + 1, T) - share(N, thread, T), H, W, C, pad);
      barrier(net);
      const int P = N * Ho * Wo;
      // Blocks of four positions, shared out whole: a thread's share starts on a multiple of 4.
      const int from = share(P / 4, thread, T) * 4, to = thread == T - 1 ? P : share(P / 4, thread + 1, T) * 4;
      convolve(padded, Hp, Wp, C, k, F32(L[F_W]), F32(L[F_B]), out, Ho, Wo, Co, L[F_ACT],
               F32(L[F_PATCH]) + thread * L[F_PATCH_FLOATS], from, to);
      break;
    }
    case L_MAXPOOL: {
      const int s = L[F_SIZE], act = L[F_ACT];
      int* argmax = (int*)(net->base + L[F_ARGMAX]);
      const int P = N * Ho * Wo;
      for (int p = share(P, thread, T), end = share(P, thread + 1, T); p < end; p++) {
        const int n = p / (Ho * Wo), i = p / Wo % Ho, j = p % Wo;
        for (int c = 0; c < C; c++) {
          int best = ((n * H + s * i) * W + s * j) * C + c;
          for (int u = 0; u < s; u++) {
            for (int v = 0; v < s; v++) {
              const int at = ((n * H + s * i + u) * W + s * j + v) * C + c;
              if (in[at] > in[best]) best = at;
            }
          }
          argmax[p * C + c] = best;
          out[p * C + c] = act < 0 ? in[best] : activate1(in[best], act);
        }
      }
      break;
    }
    case L_FLATTEN: {
      // Channels-last to channels-first: the reference's order, which dense layers expect.
      const int HW = H * W;
      for (int n = share(N, thread, T), end = share(N, thread + 1, T); n < end; n++) {
        for (int q = 0; q < HW; q++) {
          for (int c = 0; c < C; c++) out[n * HW * C + c * HW + q] = in[(n * HW + q) * C + c];
        }
      }
      break;
    }
    case L_DENSE: {
      const int nIn = in_size(L), nOut = out_size(L), act = L[F_ACT];
      for (int r = share(N, thread, T), end = share(N, thread + 1, T); r < end; r += 4) {
        dense_rows(in + r * nIn, end - r < 4 ? end - r : 4, nIn, F32(L[F_W]), F32(L[F_B]), out + r * nOut,
                   nOut, act < 0 ? 0 : act, act < 0);
      }
      break;
    }
    case L_ACTIVATION: {
      const int n = N * in_size(L);
      for (int i = share(n, thread, T), end = share(n, thread + 1, T); i < end; i++) {
        out[i] = activate1(in[i], L[F_ACT]);
      }
      break;
    }
    case L_DROPOUT: {
      const int n = N * in_size(L);
      for (int i = share(n, thread, T), end = share(n, thread + 1, T); i < end; i++) {
        out[i] = training ? in[i] * drop_factor(net, L, i) : in[i];
      }
      break;
    }
  }
  barrier(net);
}

// ---- each layer's share of the backward pass and update -------------------------------------------

// dL/dz = dL/dy · f'(y) in place, for a layer whose output y went through activation `act`.
static void through_activation(Net* net, const int* L, int thread) {
  if (L[F_ACT] < 0) return;
  const int n = net->rows * out_size(L), T = net->threads;
  float* d = F32(L[F_DOUT]);
  const float* y = F32(L[F_OUT]);
  int i = share(n, thread, T);
  const int end = share(n, thread + 1, T);
  for (; i < end && i % VL; i++) d[i] *= derivative1(y[i], L[F_ACT]);
  for (; i + VL <= end; i += VL) store(d + i, load(d + i) * derivative(load(y + i), L[F_ACT]));
  for (; i < end; i++) d[i] *= derivative1(y[i], L[F_ACT]);
  barrier(net);
}

static void backward_layer(Net* net, int l, int thread, const Rule* rule, const Rule* biasRule) {
  const int* L = layer_of(net, l);
  const int T = net->threads, N = net->rows;
  const int C = L[F_INC], H = L[F_INH], W = L[F_INW], Co = L[F_OUTC], Ho = L[F_OUTH], Wo = L[F_OUTW];
  const float* in = input_of(net, l);
  float* din = input_gradient_of(net, l);
  float* dout = F32(L[F_DOUT]);
  through_activation(net, L, thread);
  switch (L[F_TYPE]) {
    case L_CONV: {
      const int k = L[F_SIZE], pad = L[F_PAD], K = k * k * C, P = N * Ho * Wo;
      float* patch = F32(L[F_PATCH]) + thread * L[F_PATCH_FLOATS];
      if (din) {
        // dL/dx: the output gradient, zero-padded by k − 1 − p, convolved with the flipped filters.
        const int back = k - 1 - pad, Hq = Ho + 2 * back, Wq = Wo + 2 * back;
        float* padded = F32(L[F_DPAD]);
        pad_images(dout + share(N, thread, T) * Ho * Wo * Co, padded + share(N, thread, T) * Hq * Wq * Co,
                   share(N, thread + 1, T) - share(N, thread, T), Ho, Wo, Co, back);
        barrier(net);
        const int Q = N * H * W;
        const int from = share(Q / 4, thread, T) * 4, to = thread == T - 1 ? Q : share(Q / 4, thread + 1, T) * 4;
        convolve(padded, Hq, Wq, Co, k, F32(L[F_WT]), F32(net->program[H_ZEROS]), din, H, W, C, -1,
                 patch, from, to);
      }
      // dL/dW, weight rows [k0, k1) of this thread, tile by tile of positions.
      const int k0 = share(K, thread, T), k1 = share(K, thread + 1, T), mine = k1 - k0;
      const int Hp = H + 2 * pad, Wp = W + 2 * pad;
      const float* padded = F32(L[F_XPAD]);
      float* g = F32(L[F_GW]);
      for (int i = k0 * Co; i < k1 * Co; i++) g[i] = 0.0f;
      for (int p0 = 0; p0 < P; p0 += TILE) {
        const int tp = P - p0 < TILE ? P - p0 : TILE;
        // This thread's columns [k0, k1) of each position's patch: of each row u of the window,
        // its k·C contiguous values, the part that falls in [k0, k1).
        for (int t = 0; t < tp; t++) {
          const int p = p0 + t, n = p / (Ho * Wo), i = p / Wo % Ho, j = p % Wo;
          for (int u = k0 / (k * C); u < k && u * k * C < k1; u++) {
            const int first = u * k * C > k0 ? u * k * C : k0;
            const int last = (u + 1) * k * C < k1 ? (u + 1) * k * C : k1;
            __builtin_memcpy(patch + t * mine + first - k0,
                             padded + ((n * Hp + i + u) * Wp + j) * C + first - u * k * C,
                             sizeof(float) * (last - first));
          }
        }
        for (int kk = k0; kk < k1; kk += 4) {
          accumulate_rows(patch, mine, kk - k0, k1 - kk < 4 ? k1 - kk : 4, dout + p0 * Co, tp, Co, g + kk * Co);
        }
      }
      barrier(net);  // every thread has read the old filters (dL/dx) before any is updated
      float* Wk = F32(L[F_W]);
      apply_update(Wk, F32(L[F_VW]), L[F_SW] ? F32(L[F_SW]) : 0, g, k0 * Co, k1 * Co, rule);
      // The flipped filters of dL/dx: row (k−1−u, k−1−v, f), column c holds W[(u, v, c), f].
      float* flipped = F32(L[F_WT]);
      for (int kk = k0; kk < k1; kk++) {
        const int u = kk / (k * C), v = kk / C % k, c = kk % C;
        for (int f = 0; f < Co; f++) flipped[(((k - 1 - u) * k + (k - 1 - v)) * Co + f) * C + c] = Wk[kk * Co + f];
      }
      update_biases(dout, P, Co, share(Co, thread, T), share(Co, thread + 1, T), F32(L[F_B]),
                    F32(L[F_VB]), L[F_SB] ? F32(L[F_SB]) : 0, biasRule);
      break;
    }
    case L_MAXPOOL: {
      if (!din) break;
      const int* argmax = (const int*)(net->base + L[F_ARGMAX]);
      // An image's inputs take gradient only from its own outputs: a thread owns whole images.
      for (int n = share(N, thread, T), end = share(N, thread + 1, T); n < end; n++) {
        for (int i = n * H * W * C; i < (n + 1) * H * W * C; i++) din[i] = 0.0f;
        for (int o = n * Ho * Wo * Co; o < (n + 1) * Ho * Wo * Co; o++) din[argmax[o]] += dout[o];
      }
      break;
    }
    case L_FLATTEN: {
      if (!din) break;
      const int HW = H * W;
      for (int n = share(N, thread, T), end = share(N, thread + 1, T); n < end; n++) {
        for (int q = 0; q < HW; q++) {
          for (int c = 0; c < C; c++) din[(n * HW + q) * C + c] = dout[n * HW * C + c * HW + q];
        }
      }
      break;
    }
    case L_DENSE: {
      const int nIn = in_size(L), nOut = out_size(L);
      if (din) {
        for (int r = share(N, thread, T), end = share(N, thread + 1, T); r < end; r += 4) {
          dense_rows(dout + r * nOut, end - r < 4 ? end - r : 4, nOut, F32(L[F_WT]), F32(net->program[H_ZEROS]),
                     din + r * nIn, nIn, 0, 1);
        }
      }
      const int k0 = share(nIn, thread, T), k1 = share(nIn, thread + 1, T);
      float* g = F32(L[F_GW]);
      for (int i = k0 * nOut; i < k1 * nOut; i++) g[i] = 0.0f;
      for (int kk = k0; kk < k1; kk += 4) {
        accumulate_rows(in, nIn, kk, k1 - kk < 4 ? k1 - kk : 4, dout, N, nOut, g + kk * nOut);
      }
      barrier(net);  // every thread has read the old weights (dL/dx) before any is updated
      float* Wd = F32(L[F_W]);
      apply_update(Wd, F32(L[F_VW]), L[F_SW] ? F32(L[F_SW]) : 0, g, k0 * nOut, k1 * nOut, rule);
      float* transposed = F32(L[F_WT]);
      for (int kk = k0; kk < k1; kk++) {
        for (int c = 0; c < nOut; c++) transposed[c * nIn + kk] = Wd[kk * nOut + c];
      }
      update_biases(dout, N, nOut, share(nOut, thread, T), share(nOut, thread + 1, T), F32(L[F_B]),
                    F32(L[F_VB]), L[F_SB] ? F32(L[F_SB]) : 0, biasRule);
      break;
    }
    case L_ACTIVATION: {
      // Its output's gradient already went through the derivative: pass it on (a first layer
      // has no input gradient to pass it to).
      if (!din) break;
      const int n = N * in_size(L);
      for (int i = share(n, thread, T), end = share(n, thread + 1, T); i < end; i++) din[i] = dout[i];
      break;
    }
    case L_DROPOUT: {
      // The same masks as forward: the hash of this step.
      if (!din) break;
      const int n = N * in_size(L);
      for (int i = share(n, thread, T), end = share(n, thread + 1, T); i < end; i++) {
        din[i] = dout[i] * drop_factor(net, L, i);
      }
      break;
    }
  }
  barrier(net);
}

// One thread's share of a whole batch: forward, and for a training step the loss's gradient, the
// backward pass and the update.
static void cnn_part(Net* net, int thread) {
  const int layers = net->program[H_LAYERS], training = net->mode == 4;
  for (int l = 0; l < layers; l++) forward_layer(net, l, thread, training);
  const int* last = layer_of(net, layers - 1);
  const int classes = out_size(last), N = net->rows, T = net->threads;
  float* p = F32(last[F_OUT]);
  float* d = F32(last[F_DOUT]);
  const unsigned char* labels = (const unsigned char*)(net->base + net->program[H_LABELS]);
  const float scale = 1.0f / (float)N;
  for (int r = share(N, thread, T), end = share(N, thread + 1, T); r < end; r++) {
    softmax_row(p + r * classes, classes);
    if (!training) continue;
    for (int c = 0; c < classes; c++) d[r * classes + c] = p[r * classes + c] * scale;
    if (labels[r] < classes) d[r * classes + labels[r]] -= scale;
  }
  barrier(net);
  if (!training) return;
  const Rule rule = {net->optimizer, net->learningRate, net->momentum, net->weightDecay,
                     net->beta1, net->beta2, net->epsilon, net->correction1, net->correction2};
  Rule biasRule = rule;
  biasRule.wd = 0.0f;
  for (int l = layers - 1; l >= 0; l--) backward_layer(net, l, thread, &rule, &biasRule);
}
