// A sequential (convolutional) network: its program (program.c) run layer by layer, each layer's
// forward or backward from its own file, every thread doing its share of each layer with barriers
// between them. Threads split the positions (or the images, or the rows) of each phase, and the
// weight rows of each update: every sum keeps one order whatever the thread count, so results are
// bit-identical on 1 thread or 4. lib/engines/kernel_cnn.ts writes the program.

static void forward_layer(Net* net, int l, int thread, int training) {
  const Layer layer = layer_of(net, l);
  switch ((enum LayerKind)layer.record[FIELD_TYPE]) {
    case LAYER_CONV2D: conv2d_forward(net, &layer, thread); break;
    case LAYER_MAXPOOL: maxpool_forward(net, &layer, thread); break;
    case LAYER_FLATTEN: flatten_forward(net, &layer, thread); break;
    case LAYER_DENSE: dense_forward(net, &layer, thread); break;
    case LAYER_ACTIVATION: activation_forward(net, &layer, thread); break;
    case LAYER_DROPOUT: dropout_forward(net, &layer, thread, training); break;
    case LAYER_BATCHNORM: batchnorm_forward(net, &layer, thread, training); break;
  }
  barrier(net);
}

// A layer's backward, its fused activation's derivative first; the layers with parameters update
// them here too.
static void backward_layer(Net* net, int l, int thread, const Rule* rule, const Rule* biasRule) {
  const Layer layer = layer_of(net, l);
  activation_backward_fused(net, &layer, thread);
  switch ((enum LayerKind)layer.record[FIELD_TYPE]) {
    case LAYER_CONV2D: conv2d_backward(net, &layer, thread, rule, biasRule); break;
    case LAYER_MAXPOOL: maxpool_backward(net, &layer, thread); break;
    case LAYER_FLATTEN: flatten_backward(net, &layer, thread); break;
    case LAYER_DENSE: dense_backward(net, &layer, thread, rule, biasRule); break;
    case LAYER_ACTIVATION: activation_backward(net, &layer, thread); break;
    case LAYER_DROPOUT: dropout_backward(net, &layer, thread); break;
    case LAYER_BATCHNORM: batchnorm_backward(net, &layer, thread, biasRule); break;
  }
  barrier(net);
}

// One thread's share of a whole batch: forward and the softmax, and for a training step the loss's
// gradient dL/dz = (p − y) / N (y label-smoothed when asked), the backward pass and the update.
static void sequential_part(Net* net, int thread) {
  const int layers = net->program[PROGRAM_LAYERS], training = net->mode == MODE_SEQUENTIAL_TRAIN;
  for (int l = 0; l < layers; l++) {
    if (pools_as_it_goes(net, l)) {
      const Layer conv = layer_of(net, l), pool = layer_of(net, l + 1);
      conv2d_pool_forward(net, &conv, &pool, thread);
      barrier(net);
      l++;
    } else forward_layer(net, l, thread, training);
  }
  const Layer last = layer_of(net, layers - 1);
  const int classes = out_size(&last), N = net->rows, T = net->threads;
  float* p = last.out;
  float* d = last.dout;
  const unsigned char* labels = (const unsigned char*)(net->base + net->program[PROGRAM_LABELS]);
  const float scale = 1.0f / (float)N;
  for (int r = share(N, thread, T), end = share(N, thread + 1, T); r < end; r++) {
    softmax_row(p + r * classes, classes);
    if (!training) continue;
    softmax_loss_gradient(p + r * classes, labels[r], classes, scale, net->labelSmoothing, d + r * classes);
  }
  barrier(net);
  if (!training) return;
  const Rule rule = weight_rule(net), biasRule = bias_rule(net);
  for (int l = layers - 1; l >= 0; l--) backward_layer(net, l, thread, &rule, &biasRule);
}
