// Activations: y = f(x) for every value, and the backward dL/dx = dL/dy ⊙ f'(x). Each is written
// once, on VL lanes; a single value goes through lane 0 (activate(splat(x), act)[0]).
//
// Fused: the dense and convolution kernels apply f to each output while it is still in registers
// (dense.c), and maxpool on each maximum, so the activation that follows a layer costs no pass of
// its own; activation_backward_fused then turns that layer's dL/dy into dL/dz.

// f(z): sigmoid 1 / (1 + e^-z), ReLU max(z, 0), tanh z = 1 - 2 / (e^2z + 1).
static inline vf activate(vf z, enum Activation act) {
  if (act == ACT_SIGMOID) return 1.0f / (1.0f + vexp(-z));
  if (act == ACT_RELU) return vmax(z, splat(0.0f));
  return 1.0f - 2.0f / (vexp(z + z) + 1.0f);
}

// f'(z) written from a = f(z), as the reference once wrote it: a(1 - a), 1 where a > 0, 1 - a².
static inline vf derivative(vf a, enum Activation act) {
  if (act == ACT_SIGMOID) return a * (1.0f - a);
  if (act == ACT_RELU) return (vf)((a > 0.0f) & (vi)splat(1.0f));
  return 1.0f - a * a;
}

static inline float activate1(float z, enum Activation act) { return activate(splat(z), act)[0]; }
static inline float derivative1(float a, enum Activation act) { return derivative(splat(a), act)[0]; }

// p = softmax(z) in place, for one row of n classes: e^(z - max) / Σ e^(z - max).
static void softmax_row(float* z, int n) {
  float max = z[0];
  for (int j = 1; j < n; j++) max = z[j] > max ? z[j] : max;
  float sum = 0.0f;
  for (int j = 0; j < n; j++) {
    z[j] = vexp(splat(z[j] - max))[0];
    sum += z[j];
  }
  float inverse = 1.0f / sum;
  for (int j = 0; j < n; j++) z[j] *= inverse;
}

// dL/dz of the cross-entropy at a softmax, for one row of n classes: (p − y′)·scale (scale = 1/m),
// y′ = (1 − ε)·onehot(label) + ε/n the label-smoothed target, written as p·scale − ε·scale/n
// everywhere and (1 − ε)·scale less at the label, so that ε = 0 is the plain (p − y)/m exactly.
// mirrors softmaxCrossEntropyGradient in lib/nn/loss.ts
static void softmax_loss_gradient(const float* p, int label, int n, float scale, float smoothing, float* d) {
  for (int c = 0; c < n; c++) d[c] = p[c] * scale;
  if (smoothing > 0.0f) {
    const float spread = smoothing * scale / (float)n;
    for (int c = 0; c < n; c++) d[c] -= spread;
  }
  // The caller checks every label against the output layer; this guard only makes sure that a
  // bad one can never write outside the row.
  if (label < n) d[label] -= (1.0f - smoothing) * scale;
}

// ---- the activation layer ------------------------------------------------------------------------

// activation_forward: y = f(x), value by value, when no layer before it could take f fused.
//   x, y   N x (C·H·W)
// mirrors lib/nn/layers/activation.ts
static void activation_forward(Net* net, const Layer* layer, int thread) {
  const int n = net->rows * in_size(layer), T = net->threads;
  const enum Activation act = layer->record[FIELD_ACT];
  for (int i = share(n, thread, T), end = share(n, thread + 1, T); i < end; i++) {
    layer->out[i] = activate1(layer->in[i], act);
  }
}

// activation_backward: dL/dx = dL/dy ⊙ f'(x). The derivative was already applied to dL/dy in
// place by activation_backward_fused (as for any layer with an activation), so the gradient only
// passes on (a first layer has no input gradient to pass it to).
//   dL/dy, dL/dx   N x (C·H·W)
// mirrors lib/nn/layers/activation.ts
static void activation_backward(Net* net, const Layer* layer, int thread) {
  if (!layer->din) return;
  const int n = net->rows * in_size(layer), T = net->threads;
  for (int i = share(n, thread, T), end = share(n, thread + 1, T); i < end; i++) layer->din[i] = layer->dout[i];
}

// dL/dz = dL/dy · f'(y) in place, for a layer whose output y went through its activation: scalar
// up to a vector boundary, then VL at a time, then the scalar tail.
static void activation_backward_fused(Net* net, const Layer* layer, int thread) {
  const enum Activation act = layer->record[FIELD_ACT];
  if (act == ACT_NONE) return;
  const int n = net->rows * out_size(layer), T = net->threads;
  float* d = layer->dout;
  const float* y = layer->out;
  int i = share(n, thread, T);
  const int end = share(n, thread + 1, T);
  for (; i < end && i % VL; i++) d[i] *= derivative1(y[i], act);
  for (; i + VL <= end; i += VL) store(d + i, load(d + i) * derivative(load(y + i), act));
  for (; i < end; i++) d[i] *= derivative1(y[i], act);
  barrier(net);
}
