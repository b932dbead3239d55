// Flatten: channels-last images to the reference's channels-first vectors, the order its dense
// weights expect; the reference's own flatten only renames the shape, its rows already being
// channels-first.

// flatten_forward: y[n, c·H·W + h·W + w] = x[n, h, w, c].
//   x  N x H x W x C    y  N x (C·H·W)
// mirrors lib/nn/layers/flatten.ts
static void flatten_forward(Net* net, const Layer* layer, int thread) {
  const int T = net->threads, N = net->rows, C = layer->C, HW = layer->H * layer->W;
  for (int n = share(N, thread, T), end = share(N, thread + 1, T); n < end; n++) {
    for (int q = 0; q < HW; q++) {
      for (int c = 0; c < C; c++) layer->out[n * HW * C + c * HW + q] = layer->in[(n * HW + q) * C + c];
    }
  }
}

// flatten_backward: dL/dx[n, h, w, c] = dL/dy[n, c·H·W + h·W + w], the forward read the other way.
// mirrors lib/nn/layers/flatten.ts
static void flatten_backward(Net* net, const Layer* layer, int thread) {
  if (!layer->din) return;
  const int T = net->threads, N = net->rows, C = layer->C, HW = layer->H * layer->W;
  for (int n = share(N, thread, T), end = share(N, thread + 1, T); n < end; n++) {
    for (int q = 0; q < HW; q++) {
      for (int c = 0; c < C; c++) layer->din[(n * HW + q) * C + c] = layer->dout[n * HW * C + c * HW + q];
    }
  }
}
