// Max pooling over s x s windows, stride s, channels-last; an activation that follows is fused onto
// each maximum. A convolution without an activation of its own that comes just before is fused
// with it: its outputs are pooled window by window as they are made, never written out whole.

// One pooled position: y = f(max of its window), and where the maximum came from (the first one, on
// a tie). Window value (u, v) of channel c is at window[u·down + v·across + c]; its index in the
// layer's input (what argmax keeps) is corner + u·W·C + v·C + c.
static inline void pool_window(const float* window, int down, int across, int corner, int W, int C, int s,
                               float* out, int* argmax, enum Activation act) {
  vi lanes = {0};
  for (int lane = 0; lane < VL; lane++) lanes[lane] = lane;
  int c = 0;
  // VL channels at a time: the same comparisons as below, lane by lane.
  for (; c + VL <= C; c += VL) {
    vf best = load(window + c);
    vi at = lanes + (corner + c);
    for (int u = 0; u < s; u++) {
      for (int v = 0; v < s; v++) {
        const vf x = load(window + u * down + v * across + c);
        const vi larger = x > best;
        best = blend(larger, x, best);
        at = (larger & (lanes + (corner + (u * W + v) * C + c))) | (~larger & at);
      }
    }
    __builtin_memcpy(argmax + c, &at, sizeof at);
    store(out + c, act == ACT_NONE ? best : activate(best, act));
  }
  for (; c < C; c++) {
    int best = 0, at = corner + c;
    for (int u = 0; u < s; u++) {
      for (int v = 0; v < s; v++) {
        if (window[u * down + v * across + c] > window[best + c]) {
          best = u * down + v * across;
          at = corner + (u * W + v) * C + c;
        }
      }
    }
    argmax[c] = at;
    out[c] = act == ACT_NONE ? window[best + c] : activate1(window[best + c], act);
  }
}

// maxpool_forward: y = f(max of the window), and where the maximum came from, for the backward:
//   y[n,i,j,c] = f(max over 0 ≤ u, v < s of x[n, s·i+u, s·j+v, c])
//   x  N x H x W x C    y, argmax  N x ⌊H/s⌋ x ⌊W/s⌋ x C
// mirrors lib/nn/layers/maxpool.ts
static NOINLINE void maxpool_forward(Net* net, const Layer* layer, int thread) {
  const int T = net->threads, C = layer->C, H = layer->H, W = layer->W, Ho = layer->Ho, Wo = layer->Wo;
  const int s = layer->record[FIELD_SIZE];
  int* argmax = (int*)(net->base + layer->record[FIELD_ARGMAX]);
  const int P = net->rows * Ho * Wo, from = share(P, thread, T);
  int n = from / (Ho * Wo), i = from / Wo % Ho, j = from % Wo;
  for (int p = from, end = share(P, thread + 1, T); p < end; p++, next_position(&n, &i, &j, Ho, Wo)) {
    const int corner = ((n * H + s * i) * W + s * j) * C;
    pool_window(layer->in + corner, W * C, C, corner, W, C, s, layer->out + p * C, argmax + p * C,
                layer->record[FIELD_ACT]);
  }
}

// Whether layer l is a convolution whose pooling (layer l + 1) is fused onto it: a direct one (not
// Winograd's) without an activation of its own, so nothing needs its whole output.
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
  float* padded = F32(L[FIELD_XPAD]);
  pad_share(net, thread, conv->in, padded, conv->H, conv->W, C, pad);
  barrier(net);
  int* at = (int*)patch_of(net, conv, thread);
  float* window = patch_of(net, conv, thread) + K;  // the windows' outputs, F channels each
  for (int kk = 0; kk < K; kk++) at[kk] = ((kk / (k * C)) * Wp + kk / C % k) * C + kk % C;
  int* argmax = (int*)(net->base + pool->record[FIELD_ARGMAX]);
  const int narrow = F <= VL, R = narrow ? 8 : 4, G = narrow ? 2 : 1;  // rows a product, windows a step
  const int T = net->threads, P = net->rows * Ho * Wo, from = share(P, thread, T), end = share(P, thread + 1, T);
  int n = from / (Ho * Wo), i = from / Wo % Ho, j = from % Wo;
  for (int p = from; p < end; p += G) {
    const int g = end - p < G ? end - p : G;
    const float* rowsOf[8];
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

// maxpool_backward: the whole gradient of an output goes to the input that was its maximum; every
// other input of the window gets 0. Each window is written whole, VL channels at a time, so no
// input is written twice; inputs no window covers (past ⌊H/s⌋·s) are zeroed first. An image's
// inputs take gradient only from its own outputs, so a thread owns whole images.
//   dL/dx[argmax[o]] = dL/dy[o]
// mirrors lib/nn/layers/maxpool.ts
static NOINLINE void maxpool_backward(Net* net, const Layer* layer, int thread) {
  if (!layer->din) return;
  const int T = net->threads, N = net->rows, C = layer->C, H = layer->H, W = layer->W;
  const int Ho = layer->Ho, Wo = layer->Wo, s = layer->record[FIELD_SIZE], in = in_size(layer);
  const int* argmax = (const int*)(net->base + layer->record[FIELD_ARGMAX]);
  float* din = layer->din;
  const float* dout = layer->dout;
  vi lanes = {0};
  for (int lane = 0; lane < VL; lane++) lanes[lane] = lane;
  for (int n = share(N, thread, T), end = share(N, thread + 1, T); n < end; n++) {
    if (H != s * Ho || W != s * Wo) {
      for (int x = n * in; x < (n + 1) * in; x++) din[x] = 0.0f;
    }
    for (int i = 0; i < Ho; i++) {
      for (int j = 0; j < Wo; j++) {
        const int o = ((n * Ho + i) * Wo + j) * C, corner = ((n * H + s * i) * W + s * j) * C;
        int c = 0;
        for (; c + VL <= C; c += VL) {
          vi from;
          __builtin_memcpy(&from, argmax + o + c, sizeof from);
          const vf d = load(dout + o + c);
          for (int u = 0; u < s; u++) {
            for (int v = 0; v < s; v++) {
              const int here = corner + (u * W + v) * C + c;
              // + 0 keeps the sign of zero the sum onto 0 gave: 0 + (−0) is +0.
              store(din + here, blend(from == lanes + here, d, splat(0.0f)) + splat(0.0f));
            }
          }
        }
        for (; c < C; c++) {
          for (int u = 0; u < s; u++) {
            for (int v = 0; v < s; v++) {
              const int here = corner + (u * W + v) * C + c;
              din[here] = argmax[o + c] == here ? dout[o + c] + 0.0f : 0.0f;
            }
          }
        }
      }
    }
  }
}
