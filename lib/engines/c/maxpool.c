// Max pooling over s x s windows, stride s, channels-last; an activation that follows is fused onto
// each maximum.

// maxpool_forward: y = f(max of the window), and where the maximum came from (the first one, on a
// tie), for the backward:
//   y[n,i,j,c] = f(max over 0 ≤ u, v < s of x[n, s·i+u, s·j+v, c])
//   x  N x H x W x C    y, argmax  N x ⌊H/s⌋ x ⌊W/s⌋ x C
// mirrors lib/nn/layers/maxpool.ts
static void maxpool_forward(Net* net, const Layer* layer, int thread) {
  const int* L = layer->record;
  const int T = net->threads, C = layer->C, H = layer->H, W = layer->W, Ho = layer->Ho, Wo = layer->Wo;
  const int s = L[FIELD_SIZE];
  const enum Activation act = L[FIELD_ACT];
  const float* in = layer->in;
  float* out = layer->out;
  int* argmax = (int*)(net->base + L[FIELD_ARGMAX]);
  const int P = net->rows * Ho * Wo, from = share(P, thread, T);
  int n = from / (Ho * Wo), i = from / Wo % Ho, j = from % Wo;
  for (int p = from, end = share(P, thread + 1, T); p < end; p++, next_position(&n, &i, &j, Ho, Wo)) {
    const int corner = ((n * H + s * i) * W + s * j) * C;
    vi lanes = {0};
    for (int lane = 0; lane < VL; lane++) lanes[lane] = lane;
    int c = 0;
    // VL channels at a time: the same comparisons as below, lane by lane.
    for (; c + VL <= C; c += VL) {
      vf best = load(in + corner + c);
      vi at = lanes + (corner + c);
      for (int u = 0; u < s; u++) {
        for (int v = 0; v < s; v++) {
          const int here = ((n * H + s * i + u) * W + s * j + v) * C + c;
          const vf x = load(in + here);
          const vi larger = x > best;
          best = blend(larger, x, best);
          at = (larger & (lanes + here)) | (~larger & at);
        }
      }
      __builtin_memcpy(argmax + p * C + c, &at, sizeof at);
      store(out + p * C + c, act == ACT_NONE ? best : activate(best, act));
    }
    for (; c < C; c++) {
      int best = corner + c;
      for (int u = 0; u < s; u++) {
        for (int v = 0; v < s; v++) {
          const int here = ((n * H + s * i + u) * W + s * j + v) * C + c;
          if (in[here] > in[best]) best = here;
        }
      }
      argmax[p * C + c] = best;
      out[p * C + c] = act == ACT_NONE ? in[best] : activate1(in[best], act);
    }
  }
}

// maxpool_backward: the whole gradient of an output goes to the input that was its maximum; every
// other input of the window gets 0. An image's inputs take gradient only from its own outputs, so
// a thread owns whole images.
//   dL/dx[argmax[o]] = dL/dy[o]
// mirrors lib/nn/layers/maxpool.ts
static void maxpool_backward(Net* net, const Layer* layer, int thread) {
  if (!layer->din) return;
  const int T = net->threads, N = net->rows, in = in_size(layer), out = out_size(layer);
  const int* argmax = (const int*)(net->base + layer->record[FIELD_ARGMAX]);
  float* din = layer->din;
  for (int n = share(N, thread, T), end = share(N, thread + 1, T); n < end; n++) {
    for (int i = n * in; i < (n + 1) * in; i++) din[i] = 0.0f;
    for (int o = n * out; o < (n + 1) * out; o++) din[argmax[o]] += layer->dout[o];
  }
}
