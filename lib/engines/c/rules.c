// The update rules, each written once: a step of VL parameters from their gradient, which serves
// whole vectors and, through a copy, the partial vector at the end of a row (and a bias's lanes).
// The formulas are lib/nn/optimizers.ts's.
//
// Each weight gradient is formed in registers (dense.c, conv2d.c, mlp.c) and handed here at once,
// so the MLP never stores it.

// The update rule of one step, as every thread reads it.
typedef struct {
  enum UpdateRule kind;
  float lr, mu, wd, b1, b2, eps, c1, c2;
} Rule;

// The rule of this step for the weights, from the header.
static inline Rule weight_rule(const Net* net) {
  return (Rule){net->optimizer, net->learningRate, net->momentum, net->weightDecay,
                net->beta1, net->beta2, net->epsilon, net->correction1, net->correction2};
}

// The same for the biases, which are not decayed.
static inline Rule bias_rule(const Net* net) {
  Rule rule = weight_rule(net);
  rule.wd = 0.0f;
  return rule;
}

// VL parameters' update from their gradient g:
//   momentum (and plain descent, mu = 0): v = mu v - lr (g + wd w); w += v
//   Nesterov:  v = mu v - lr (g + wd w); w += mu v - lr (g + wd w)
//   RMSProp:   s = b2 s + (1 - b2) g^2; w -= lr g / (sqrt(s) + eps), with g + wd w
//   Adam:      m = b1 m + (1 - b1) g; s = b2 s + (1 - b2) g^2; w -= lr (m / c1) / (sqrt(s / c2) + eps)
//   AdamW:     w -= lr wd w first, then Adam on the plain gradient.
// v holds the velocity or Adam's first moment m; s the second moment (s is v for the rules
// without one, which never touch it).
static inline void update_lanes(float* w, float* v, float* s, vf g, const Rule* o) {
  vf weight = load(w);
  if (o->kind == RULE_ADAMW) weight = weight - o->lr * o->wd * weight;
  else g = madd(splat(o->wd), weight, g);
  if (o->kind == RULE_MOMENTUM || o->kind == RULE_NESTEROV) {
    const vf step = -(o->lr * g);
    const vf velocity = o->mu * load(v) + step;
    store(v, velocity);
    weight = o->kind == RULE_MOMENTUM ? weight + velocity : weight + (o->mu * velocity + step);
  } else {
    const vf square = o->b2 * load(s) + (1.0f - o->b2) * (g * g);
    store(s, square);
    if (o->kind == RULE_RMSPROP) {
      weight = weight - (o->lr * g) / (vsqrt(square) + o->eps);
    } else {
      const vf mean = o->b1 * load(v) + (1.0f - o->b1) * g;
      store(v, mean);
      weight = weight - (o->lr * (mean / o->c1)) / (vsqrt(square / o->c2) + o->eps);
    }
  }
  store(w, weight);
}

// The update of m <= VL parameters at w, v, s from the first m lanes of g: update_lanes itself,
// or update_lanes on a copy when the vector is partial.
static inline void update(float* w, float* v, float* s, vf g, int m, const Rule* o) {
  if (m == VL) {
    update_lanes(w, v, s, g, o);
    return;
  }
  float wc[VL] = {0}, vc[VL] = {0}, sc[VL] = {0};
  for (int i = 0; i < m; i++) { wc[i] = w[i]; vc[i] = v[i]; sc[i] = s[i]; }
  update_lanes(wc, vc, sc, g, o);
  // s is v itself for the rules without second moments, which leave it alone.
  for (int i = 0; i < m; i++) { w[i] = wc[i]; v[i] = vc[i]; if (s != v) s[i] = sc[i]; }
}

// Parameters [from, to) from their gradients g, stored whole (a sequential network's layers).
// s is 0 for the rules without second moments.
static void apply_update(float* w, float* v, float* s, const float* g, int from, int to, const Rule* rule) {
  for (int i = from; i < to; i += VL) {
    const int m = lanes_left(i, to);
    update(w + i, v + i, s ? s + i : v + i, m == VL ? load(g + i) : load_part(g + i, m), m, rule);
  }
}

// Biases [c0, c1) of nOut from the column sums of d (rows x nOut, rows in order), then updated:
// sums[c] += Σ_r d[r·stride + c] for the V vectors of columns from c (V a constant once inlined, 1
// to 4; the last may end at `end`, partial): each column's sum in row order, V chains of sums held
// in registers (a count of vectors known only at run time kept them in memory, a store and a load
// in every addition's chain).
static inline __attribute__((always_inline)) void add_column_vectors(const float* d, int rows, int stride, float* sums,
                                                                      int c, int end, int V) {
  vf s[4];
  for (int v = 0; v < V; v++) s[v] = load_part(sums + c + v * VL, lanes_left(c + v * VL, end));
  if (lanes_left(c + (V - 1) * VL, end) == VL) {
    for (int r = 0; r < rows; r++) {
      for (int v = 0; v < V; v++) s[v] += load(d + r * stride + c + v * VL);
    }
  } else {
    for (int r = 0; r < rows; r++) {
      for (int v = 0; v < V; v++) s[v] += load_part(d + r * stride + c + v * VL, lanes_left(c + v * VL, end));
    }
  }
  for (int v = 0; v < V; v++) store_part(sums + c + v * VL, s[v], lanes_left(c + v * VL, end));
}

// sums[c] += Σ_r d[r·stride + c] for the columns [c0, c1), four vectors a pass down the rows.
static void add_column_sums(const float* d, int rows, int stride, float* sums, int c0, int c1) {
  for (int c = c0; c < c1; c += 4 * VL) {
    switch ((c1 - c + VL - 1) / VL) {
      case 1: add_column_vectors(d, rows, stride, sums, c, c1, 1); break;
      case 2: add_column_vectors(d, rows, stride, sums, c, c1, 2); break;
      case 3: add_column_vectors(d, rows, stride, sums, c, c1, 3); break;
      default: add_column_vectors(d, rows, stride, sums, c, c1, 4); break;
    }
  }
}

// The biases' update for columns [c0, c1) from their gradient already summed, g[c − c0].
static void update_biases_by(const float* g, int c0, int c1, float* b, float* vb, float* sb, const Rule* rule) {
  for (int c = c0; c < c1; c += VL) {
    const int m = lanes_left(c, c1);
    update(b + c, vb + c, sb ? sb + c : vb + c, load_part(g + c - c0, m), m, rule);
  }
}

// dL/db = column sums of dL/dy (add_column_sums, in row order), then the update of this thread's
// biases [c0, c1).
static void update_biases(const float* d, int rows, int nOut, int c0, int c1, float* b, float* vb,
                          float* sb, const Rule* rule) {
  float sums[c1 - c0 + 1];
  for (int c = 0; c < c1 - c0; c++) sums[c] = 0.0f;
  add_column_sums(d + c0, rows, nOut, sums, 0, c1 - c0);
  update_biases_by(sums, c0, c1, b, vb, sb, rule);
}

// Max-norm (Srivastava et al. 2014), after the update: each unit's incoming weights, column c of W
// (nIn x nOut: a dense unit, or a convolution's filter), are scaled back onto the ball of radius
// `limit` when longer: w <- w * limit / |w|. This thread's columns [c0, c1); each norm is summed
// down the rows in order, so it is the same on any thread count.
// mirrors limitColumnNorms in lib/nn/max_norm.ts
static void max_norm_columns(float* W, int nIn, int nOut, int c0, int c1, float limit) {
  for (int c = c0; c < c1; c++) {
    float sum = 0.0f;
    for (int k = 0; k < nIn; k++) sum += W[k * nOut + c] * W[k * nOut + c];
    const float norm = __builtin_sqrtf(sum);
    if (norm > limit) {
      const float factor = limit / norm;
      for (int k = 0; k < nIn; k++) W[k * nOut + c] *= factor;
    }
  }
}

// Max-norm on a layer's weights when the run asks for it, between two barriers: every thread has
// updated its rows before any column is measured, and every column is done before the rows are
// read again (the transposed copy, the next step).
static void constrain_weights(Net* net, float* W, int nIn, int nOut, int thread) {
  if (net->maxNorm <= 0.0f) return;
  barrier(net);
  max_norm_columns(W, nIn, nOut, share(nOut, thread, net->threads), share(nOut, thread + 1, net->threads),
                   net->maxNorm);
  barrier(net);
}
