// Inverted dropout: while training, each unit is kept and scaled by 1 / (1 - rate), or dropped to
// 0; the masks come from the hash of lib/nn/dropout.ts (seed, step, layer, unit), so the kernels
// drop exactly the units the reference drops.

// The hash of lib/nn/dropout.ts (murmur3's finaliser three times), the same bits there and here,
// VL units at once: first, first + step, … (one unit at a time, it took a tenth of a `cnn` epoch).
typedef unsigned vu __attribute__((vector_size(VL * 4)));

static inline vu mix32(vu h) {
  h = (h ^ (h >> 16)) * 0x85ebca6bu;
  h = (h ^ (h >> 13)) * 0xc2b2ae35u;
  return h ^ (h >> 16);
}

// Lanes set (all ones) where the unit is dropped: its hash is below `threshold`.
static inline vi dropped_lanes(const Net* net, int layer, unsigned first, unsigned step, unsigned threshold) {
  vu index;
  for (int i = 0; i < VL; i++) index[i] = first + (unsigned)i * step;
  const vu h = mix32(net->dropSeed ^ mix32(net->dropStep * 0x9e3779b1u ^ mix32((unsigned)layer * 0x27d4eb2fu ^ index)));
  return (vi)(h < threshold);
}

// The MLP's dropout: drops units of activation layer l in row r (training only): 0, or scaled by
// 1 / (1 - rate). Its backward is in mlp.c's back_delta, with the derivative.
static void drop_row(const Net* net, int l, int r, float* row, int n) {
  const unsigned threshold = net->dropThreshold[l];
  const float keep = net->dropKeep[l];
  for (int i = 0; i < n; i += VL) {
    const int m = lanes_left(i, n);
    const vi dropped = dropped_lanes(net, l, (unsigned)(r * n + i), 1, threshold);
    store_part(row + i, blend(dropped, splat(0.0f), load_part(row + i, m) * keep), m);
  }
}

// ---- the dropout layer ---------------------------------------------------------------------------

// The masks m of the units of one position p (image n, pixel q) of a batch, channels c to c + VL:
// 0 for a dropped unit, 1 / (1 − rate) for a kept one. The reference numbers the units it draws
// masks for in channels-first order, (n·C + c)·H·W + q: a channel's step is H·W.
static inline vf drop_factors(const Net* net, const Layer* layer, int p, int c) {
  const int* L = layer->record;
  const int C = layer->C, HW = layer->H * layer->W, n = p / HW, q = p % HW;
  float keep;
  __builtin_memcpy(&keep, &L[FIELD_KEEP], sizeof keep);
  const vi dropped =
    dropped_lanes(net, L[FIELD_INDEX], (unsigned)((n * C + c) * HW + q), (unsigned)HW, (unsigned)L[FIELD_DROP]);
  return (vf)(~dropped & (vi)splat(keep));
}

// dst = src ⊙ m (src alone when not training) for this thread's positions, C channels each.
static void apply_masks(const Net* net, const Layer* layer, int thread, const float* src, float* dst, int training) {
  const int C = layer->C, positions = net->rows * layer->H * layer->W, T = net->threads;
  for (int p = share(positions, thread, T), end = share(positions, thread + 1, T); p < end; p++) {
    for (int c = 0; c < C; c += VL) {
      const int m = lanes_left(c, C);
      const vf x = load_part(src + p * C + c, m);
      store_part(dst + p * C + c, training ? x * drop_factors(net, layer, p, c) : x, m);
    }
  }
}

// dropout_forward: y = x ⊙ m while training, y = x otherwise.
//   x, y   N x (C·H·W)
// mirrors lib/nn/layers/dropout.ts
static void dropout_forward(Net* net, const Layer* layer, int thread, int training) {
  apply_masks(net, layer, thread, layer->in, layer->out, training);
}

// dropout_backward: dL/dx = dL/dy ⊙ m, the same masks as forward (the hash of this step).
//   dL/dy, dL/dx   N x (C·H·W)
// mirrors lib/nn/layers/dropout.ts
static void dropout_backward(Net* net, const Layer* layer, int thread) {
  if (layer->din) apply_masks(net, layer, thread, layer->dout, layer->din, 1);
}
