// Max pooling over s x s windows, stride s, channels-last; an activation that follows is fused onto
// each maximum. (A convolution just before it may run fused with it: conv_pool.c.)

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
