// Inverted dropout: while training, each unit is kept and scaled by 1 / (1 - rate), or dropped to
// 0; the masks come from the hash of lib/nn/dropout.ts (seed, step, layer, unit), so the kernels
// drop exactly the units the reference drops.

// murmur3's finaliser, and the hash of lib/nn/dropout.ts: the same bits there and here.
static inline unsigned mix32(unsigned h) {
  h = (h ^ (h >> 16)) * 0x85ebca6bu;
  h = (h ^ (h >> 13)) * 0xc2b2ae35u;
  return h ^ (h >> 16);
}

static inline unsigned drop_hash(const Net* net, int layer, unsigned index) {
  return mix32(net->dropSeed ^ mix32(net->dropStep * 0x9e3779b1u ^ mix32((unsigned)layer * 0x27d4eb2fu ^ index)));
}

// The MLP's dropout: drops units of activation layer l in row r (training only): 0, or scaled by
// 1 / (1 - rate). Its backward is in mlp.c's back_delta, with the derivative.
static void drop_row(const Net* net, int l, int r, float* row, int n) {
  const unsigned threshold = net->dropThreshold[l];
  const float keep = net->dropKeep[l];
  for (int i = 0; i < n; i++) {
    row[i] = drop_hash(net, l, (unsigned)(r * n + i)) < threshold ? 0.0f : row[i] * keep;
  }
}

// ---- the dropout layer ---------------------------------------------------------------------------

// The number the reference gives value i of a batch (channels-last here) when it draws dropout
// masks: its index in channels-first order, (n·C + c)·H·W + h·W + w.
static inline unsigned unit_of(const Layer* layer, int i) {
  const int C = layer->C, HW = layer->H * layer->W;
  if (HW == 1) return (unsigned)i;
  const int n = i / (HW * C), q = i / C % HW, c = i % C;
  return (unsigned)((n * C + c) * HW + q);
}

// The mask m of value i for this step: 0 for a dropped unit, 1 / (1 − rate) for a kept one.
static inline float drop_factor(const Net* net, const Layer* layer, int i) {
  const int* L = layer->record;
  float keep;
  __builtin_memcpy(&keep, &L[FIELD_KEEP], sizeof keep);
  return drop_hash(net, L[FIELD_INDEX], unit_of(layer, i)) < (unsigned)L[FIELD_DROP] ? 0.0f : keep;
}

// dropout_forward: y = x ⊙ m while training, y = x otherwise.
//   x, y   N x (C·H·W)
// mirrors lib/nn/layers/dropout.ts
static void dropout_forward(Net* net, const Layer* layer, int thread, int training) {
  const int n = net->rows * in_size(layer), T = net->threads;
  for (int i = share(n, thread, T), end = share(n, thread + 1, T); i < end; i++) {
    layer->out[i] = training ? layer->in[i] * drop_factor(net, layer, i) : layer->in[i];
  }
}

// dropout_backward: dL/dx = dL/dy ⊙ m, the same masks as forward (the hash of this step).
//   dL/dy, dL/dx   N x (C·H·W)
// mirrors lib/nn/layers/dropout.ts
static void dropout_backward(Net* net, const Layer* layer, int thread) {
  if (!layer->din) return;
  const int n = net->rows * in_size(layer), T = net->threads;
  for (int i = share(n, thread, T), end = share(n, thread + 1, T); i < end; i++) {
    layer->din[i] = layer->dout[i] * drop_factor(net, layer, i);
  }
}
