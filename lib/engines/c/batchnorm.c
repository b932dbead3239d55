// Batch normalisation, channels-last: the batch's values are P = N·H·W rows of C channels, and each
// channel is normalised over its P values, then scaled and shifted, an activation fused after:
//   μ = (1/P) Σ x     σ² = (1/P) Σ (x − μ)²     x̂ = (x − μ) / √(σ² + ε)     y = f(γ x̂ + β)
// At test time the running averages stand in for μ and σ². The record's W holds γ (C); b holds β,
// the running mean and the running variance (3C); `norm` keeps x̂ (P x C) for the backward pass and
// `stats` eight numbers per channel (below). Threads split the channels for every sum over the
// batch (each sum in row order, in doubles) and the rows for the element-wise passes, so the
// results are the same on any thread count.
//   x, y, x̂  P x C    γ, β, μ, σ²  C
// mirrors lib/nn/layers/batchnorm.ts

// stats[k·C + c]: per channel, 1/σ, μ, the forward's scale and shift, dL/dβ, and dL/dx's three
// coefficients (dL/dx = a·dL/dy + b + c·x̂).
enum { BN_INVERSE, BN_MEAN, BN_SCALE, BN_SHIFT, BN_DBETA, BN_DX_DY, BN_DX_ONE, BN_DX_NORM, BN_STATS };
#define BN_EPSILON 1e-5
#define BN_MOMENTUM 0.1

// y = f(x·scale + shift) for rows [from, to), and x̂ = (x − μ)·(1/σ) into `norm` when training:
// row by row, in one pass over memory (the arrays are larger than the caches), VL channels at a
// time.
static void batchnorm_rows(const float* x, float* y, float* norm, const float* stats, int C, int from, int to,
                           enum Activation act) {
  for (int p = from; p < to; p++) {
    for (int c = 0; c < C; c += VL) {
      const int m = lanes_left(c, C), at = p * C + c;
      const vf v = load_part(x + at, m);
      const vf out = madd(v, load_part(stats + BN_SCALE * C + c, m), load_part(stats + BN_SHIFT * C + c, m));
      if (norm) {
        store_part(norm + at, (v - load_part(stats + BN_MEAN * C + c, m)) * load_part(stats + BN_INVERSE * C + c, m), m);
      }
      store_part(y + at, act == ACT_NONE ? out : activate(out, act), m);
    }
  }
}

// batchnorm_forward: the statistics of this thread's channels (training: the batch's, and the
// running averages moved towards them; else the running averages), then after a barrier the
// thread's rows.
static void batchnorm_forward(Net* net, const Layer* layer, int thread, int training) {
  const int* L = layer->record;
  const int T = net->threads, C = layer->C, P = net->rows * layer->H * layer->W;
  const int c0 = share(C, thread, T), c1 = share(C, thread + 1, T);
  const float* x = layer->in;
  const float* gamma = F32(L[FIELD_W]);
  float* b = F32(L[FIELD_B]);
  float* stats = F32(L[FIELD_STATS]);
  const int n = c1 - c0;
  double sum[n > 0 ? n : 1], squares[n > 0 ? n : 1];
  if (training) {
    // Row by row, this thread's channels side by side: each channel's sum still in row order.
    for (int c = 0; c < n; c++) sum[c] = squares[c] = 0.0;
    for (int p = 0; p < P; p++) {
      for (int c = 0; c < n; c++) sum[c] += x[p * C + c0 + c];
    }
    for (int c = 0; c < n; c++) sum[c] /= P;  // now the mean
    for (int p = 0; p < P; p++) {
      for (int c = 0; c < n; c++) {
        const double d = x[p * C + c0 + c] - sum[c];
        squares[c] += d * d;
      }
    }
  }
  for (int c = c0; c < c1; c++) {
    double mean, inverse;
    if (training) {
      mean = sum[c - c0];
      const double variance = squares[c - c0] / P;
      inverse = 1.0 / __builtin_sqrt(variance + BN_EPSILON);
      b[C + c] = (float)((1.0 - BN_MOMENTUM) * b[C + c] + BN_MOMENTUM * mean);
      const double unbiased = P > 1 ? squares[c - c0] / (P - 1) : variance;
      b[2 * C + c] = (float)((1.0 - BN_MOMENTUM) * b[2 * C + c] + BN_MOMENTUM * unbiased);
    } else {
      mean = b[C + c];
      inverse = 1.0 / __builtin_sqrt(b[2 * C + c] + BN_EPSILON);
    }
    stats[BN_INVERSE * C + c] = (float)inverse;
    stats[BN_MEAN * C + c] = (float)mean;
    stats[BN_SCALE * C + c] = (float)(gamma[c] * inverse);
    stats[BN_SHIFT * C + c] = (float)(b[c] - mean * gamma[c] * inverse);
  }
  barrier(net);  // every channel's statistics before any row is normalised
  batchnorm_rows(x, layer->out, training ? F32(L[FIELD_NORM]) : 0, stats, C, share(P, thread, T),
                 share(P, thread + 1, T), L[FIELD_ACT]);
}

// batchnorm_backward: given dL/dy (through the fused activation's derivative already),
//   dL/dβ = Σ dL/dy     dL/dγ = Σ dL/dy · x̂     (this thread's channels, over every row)
//   dL/dx = γ/(P·σ) · (P·dL/dy − dL/dβ − x̂·dL/dγ)   (this thread's rows, with the old γ)
// then γ and β updated by the rule, without weight decay (as the reference's parameters say).
static void batchnorm_backward(Net* net, const Layer* layer, int thread, const Rule* biasRule) {
  const int* L = layer->record;
  const int T = net->threads, C = layer->C, P = net->rows * layer->H * layer->W;
  const int c0 = share(C, thread, T), c1 = share(C, thread + 1, T);
  const float* dy = layer->dout;
  const float* norm = F32(L[FIELD_NORM]);
  float* gamma = F32(L[FIELD_W]);
  float* gGamma = F32(L[FIELD_GW]);
  float* stats = F32(L[FIELD_STATS]);
  const int n = c1 - c0;
  double sumDy[n > 0 ? n : 1], sumDyNorm[n > 0 ? n : 1];
  for (int c = 0; c < n; c++) sumDy[c] = sumDyNorm[c] = 0.0;
  for (int p = 0; p < P; p++) {
    for (int c = 0; c < n; c++) {
      const int at = p * C + c0 + c;
      sumDy[c] += dy[at];
      sumDyNorm[c] += (double)dy[at] * norm[at];
    }
  }
  for (int c = c0; c < c1; c++) {
    const double a = gamma[c] * (double)stats[BN_INVERSE * C + c] / P;
    stats[BN_DBETA * C + c] = (float)sumDy[c - c0];
    gGamma[c] = (float)sumDyNorm[c - c0];
    stats[BN_DX_DY * C + c] = (float)(a * P);
    stats[BN_DX_ONE * C + c] = (float)(-a * sumDy[c - c0]);
    stats[BN_DX_NORM * C + c] = (float)(-a * sumDyNorm[c - c0]);
  }
  barrier(net);  // every channel's sums before any row's gradient
  if (layer->din) {
    for (int p = share(P, thread, T), end = share(P, thread + 1, T); p < end; p++) {
      for (int c = 0; c < C; c += VL) {
        const int m = lanes_left(c, C), at = p * C + c;
        const vf one = madd(load_part(stats + BN_DX_NORM * C + c, m), load_part(norm + at, m),
                            load_part(stats + BN_DX_ONE * C + c, m));
        store_part(layer->din + at, madd(load_part(stats + BN_DX_DY * C + c, m), load_part(dy + at, m), one), m);
      }
    }
  }
  barrier(net);  // every thread has read the old γ before any is updated
  apply_update(gamma, F32(L[FIELD_VW]), array_of(net, layer, FIELD_SW), gGamma, c0, c1, biasRule);
  apply_update(F32(L[FIELD_B]), F32(L[FIELD_VB]), array_of(net, layer, FIELD_SB), stats + BN_DBETA * C, c0, c1,
               biasRule);
}
