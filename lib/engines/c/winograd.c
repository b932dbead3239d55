// A 3 × 3 convolution (stride 1, padding 0 or 1) by Winograd's minimal filtering F(2×2, 3×3)
// (Lavin & Gray 2015, "Fast Algorithms for Convolutional Neural Networks"): 2 × 2 outputs at a time
// from a 4 × 4 tile of the input, with 16 multiplications per (tile, input channel, filter) where
// the direct product (conv2d.c) takes 4 · 9 = 36 — 2.25 times fewer. The tile d and the filter g are
// carried into a 4 × 4 domain by small fixed matrices, where the convolution becomes a product point
// by point, summed over the input channels: 16 independent dense products, one per point e of the
// domain (domain_rows). Then the result is carried back:
//   Y = Aᵀ [ Σ_c (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//   Bᵀ = | 1  0 -1  0 |    G = | 1    0    0   |    Aᵀ = | 1  1  1  0 |
//        | 0  1  1  0 |        | 1/2  1/2  1/2 |         | 0  1 -1 -1 |
//        | 0 -1  1  0 |        | 1/2 -1/2  1/2 |
//        | 0  1  0 -1 |        | 0    0    1   |
// The backward pass is the same algebra twice more:
// - dL/dx is a convolution too, of dL/dy zero-padded by 2 − p with each filter turned half a turn
//   and its channels transposed; turning g turns G g Gᵀ with it (points 0 and 3 swap, both ways);
// - dL/dg = Gᵀ [ Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ d B) ] G, the forward read backwards: 16 more dense products,
//   over every image's tiles (the input's made again), summed in groups of WINOGRAD_GROUP images.
// The numbers are the direct convolution's but for float32 rounding (the transforms add in another
// order). Threads split the images, the 16 points, or the weight rows, and every sum keeps one
// order, so they are bit-identical on any thread count, as everywhere. lib/engines/kernel_cnn.ts
// chooses this for every 3 × 3 layer with enough input channels for its products to pay.
//
// Arrays: U (16 x C x F, G g Gᵀ for each point), Ub (16 x F x C, the backward's), dU (16 x C x F) in
// the layer's FIELD_WINO block; in FIELD_TILES, each group of WINOGRAD_GROUP images' share of dU
// (groups x 16 x C x F). Each thread's FIELD_PATCH buffer holds one image at a time: its padded
// input, its tiles V (16 planes of T x C) and their products, or dL/dy's tiles, Z (16 planes of
// T x F), and in the backward pass dL/dy padded and dL/dx's tiles and products. T tiles per image:
// ⌈H'/2⌉ · ⌈W'/2⌉. Nothing is kept for the whole batch: the weight gradient's products run image by
// image, while both factors are in cache, into their group's sum (a batch's tiles, 100 MB in the
// `cnn` network's second layer, went back to memory and were read again).
typedef struct {
  float *U, *Ub, *dU, *groups;
  int th, tw, tiles;
  float *padded, *V, *Z, *rest;  // this thread's: the padded input, V, Z, what the backward adds
} Winograd;

static inline Winograd winograd_of(const Net* net, const Layer* layer, int thread) {
  const int* L = layer->record;
  const int C = layer->C, F = layer->Co, th = (layer->Ho + 1) / 2, tw = (layer->Wo + 1) / 2, tiles = th * tw;
  float* points = F32(L[FIELD_WINO]);
  float* padded = patch_of(net, layer, thread);
  float* V = padded + (2 * th + 2) * (2 * tw + 2) * C;
  float* Z = V + 16 * tiles * C;
  return (Winograd){points, points + 16 * C * F, points + 32 * C * F, F32(L[FIELD_TILES]), th, tw, tiles,
                    padded, V, Z, Z + 16 * tiles * F};
}

// x (H x W x C) into out (Hp x Wp x C), moved down and right by `pad` and zero around it, so that
// every 4 × 4 window input_tiles reads lies inside.
static void pad_into(const float* x, int H, int W, int C, int pad, int Hp, int Wp, float* out) {
  for (int h = 0; h < Hp; h++) {
    float* row = out + h * Wp * C;
    if (h < pad || h - pad >= H) {
      for (int i = 0; i < Wp * C; i++) row[i] = 0.0f;
      continue;
    }
    for (int i = 0; i < pad * C; i++) row[i] = 0.0f;
    copy_floats(row + pad * C, x + (h - pad) * W * C, W * C);
    for (int i = (pad + W) * C; i < Wp * C; i++) row[i] = 0.0f;
  }
}

// Bᵀ d B of one tile's 4 × 4 window at p (rows `stride` floats apart, channels side by side), m
// lanes: its 16 points to o, o + plane, … o + 15·plane.
static inline void tile_points(const float* p, int stride, int C, float* o, int plane, int m) {
  vf b[4][4];
  for (int s = 0; s < 4; s++) {  // Bᵀ d, down each column
    const vf d0 = load_part(p + s * C, m), d1 = load_part(p + stride + s * C, m);
    const vf d2 = load_part(p + 2 * stride + s * C, m), d3 = load_part(p + 3 * stride + s * C, m);
    b[0][s] = d0 - d2;
    b[1][s] = d1 + d2;
    b[2][s] = d2 - d1;
    b[3][s] = d1 - d3;
  }
  for (int r = 0; r < 4; r++) {  // then · B, along each row
    float* q = o + 4 * r * plane;
    store_part(q, b[r][0] - b[r][2], m);
    store_part(q + plane, b[r][1] + b[r][2], m);
    store_part(q + 2 * plane, b[r][2] - b[r][1], m);
    store_part(q + 3 * plane, b[r][1] - b[r][3], m);
  }
}

// Bᵀ d B for every 4 × 4 window d of a padded image (th x tw tiles, windows 2 apart, Wp pixels a
// row, C channels): point e of tile t, channel c, at out[e·plane + t·C + c].
static void input_tiles(const float* padded, int Wp, int C, int th, int tw, float* out, int plane) {
  for (int ti = 0; ti < th; ti++) {
    for (int tj = 0; tj < tw; tj++) {
      const int t = ti * tw + tj;
      const float* p = padded + (2 * ti * Wp + 2 * tj) * C;
      int c = 0;
      for (; c + VL <= C; c += VL) tile_points(p + c, Wp * C, C, out + t * C + c, plane, VL);
      if (c < C) tile_points(p + c, Wp * C, C, out + t * C + c, plane, C - c);
    }
  }
}

// out (rows x nOut) = x (rows x nIn) · M (nIn x nOut), six rows by two vectors of columns at a
// time: twelve sums in flight where dense_rows keeps eight, for products as short as these (nIn is
// a channel count, 32 to 64), where dense_rows' cost per block of four rows does not pay. Each
// output is the same sum over k in order from 0 as dense_rows forms it, bit for bit, so the rows
// left over (fewer than six) or a width that is not a multiple of 2·VL go to dense_rows.
static void domain_rows(const float* x, int rows, int nIn, const float* M, const float* zeros, float* out,
                       int nOut) {
  int r = 0;
  if (nOut % (2 * VL) == 0) {
    for (; r + 6 <= rows; r += 6) {
      for (int c = 0; c < nOut; c += 2 * VL) {
        vf a[6][2];
        for (int i = 0; i < 6; i++) a[i][0] = a[i][1] = splat(0.0f);
        for (int k = 0; k < nIn; k++) {
          vf w0 = load(M + k * nOut + c), w1 = load(M + k * nOut + c + VL);
          IN_REGISTER(w0);
          IN_REGISTER(w1);
          for (int i = 0; i < 6; i++) {
            const vf s = splat(x[(r + i) * nIn + k]);
            a[i][0] = madd(s, w0, a[i][0]);
            a[i][1] = madd(s, w1, a[i][1]);
          }
        }
        for (int i = 0; i < 6; i++) {
          store(out + (r + i) * nOut + c, a[i][0]);
          store(out + (r + i) * nOut + c + VL, a[i][1]);
        }
      }
    }
  }
  for (; r < rows; r += 4) {
    dense_rows(x + r * nIn, rows - r < 4 ? rows - r : 4, nIn, M, zeros, out + r * nOut, nOut, ACT_NONE);
  }
}

// Point by point, out[e] (rows x nOut) = in[e] (rows x nIn) · M[e] (nIn x nOut).
static void point_products(const float* in, int inPlane, int rows, int nIn, const float* M, const float* zeros,
                           float* out, int outPlane, int nOut) {
  for (int e = 0; e < 16; e++) {
    domain_rows(in + e * inPlane, rows, nIn, M + e * nIn * nOut, zeros, out + e * outPlane, nOut);
  }
}

// Aᵀ m A of one tile's 16 points at q, q + plane, … (m lanes): its 2 × 2 outputs, plus b, through
// the activation, to y (rows `stride` floats apart, channels side by side), the ones past the edge
// (rows ≥ rows, columns ≥ cols) dropped.
static inline void tile_outputs(const float* q, int plane, vf b, enum Activation act, float* y, int stride, int F,
                                int rows, int cols, int m) {
  vf a[2][4];
  for (int s = 0; s < 4; s++) {  // Aᵀ m, down each column
    const vf q0 = load_part(q + s * plane, m), q1 = load_part(q + (4 + s) * plane, m);
    const vf q2 = load_part(q + (8 + s) * plane, m), q3 = load_part(q + (12 + s) * plane, m);
    a[0][s] = q0 + q1 + q2;
    a[1][s] = q1 - q2 - q3;
  }
  for (int r = 0; r < rows; r++) {  // then · A, along each row
    const vf out[2] = {a[r][0] + a[r][1] + a[r][2] + b, a[r][1] - a[r][2] - a[r][3] + b};
    for (int s = 0; s < cols; s++) {
      store_part(y + r * stride + s * F, act == ACT_NONE ? out[s] : activate(out[s], act), m);
    }
  }
}

// Aᵀ m A: every tile's 16 points (F channels each, laid out as input_tiles lays them) back to its
// 2 × 2 outputs, plus the bias, through the activation, into y (Ho x Wo x F); outputs of the last
// row or column of tiles that lie past the edge are dropped.
static void output_tiles(const float* in, int plane, int th, int tw, int F, const float* bias, enum Activation act,
                         float* y, int Ho, int Wo) {
  for (int ti = 0; ti < th; ti++) {
    const int rows = Ho - 2 * ti < 2 ? 1 : 2;
    for (int tj = 0; tj < tw; tj++) {
      const int t = ti * tw + tj, cols = Wo - 2 * tj < 2 ? 1 : 2;
      float* out = y + (2 * ti * Wo + 2 * tj) * F;
      int f = 0;
      for (; f + VL <= F; f += VL) {
        tile_outputs(in + t * F + f, plane, load(bias + f), act, out + f, Wo * F, F, rows, cols, VL);
      }
      if (f < F) {
        tile_outputs(in + t * F + f, plane, load_part(bias + f, F - f), act, out + f, Wo * F, F, rows, cols, F - f);
      }
    }
  }
}

// A g Aᵀ for every 2 × 2 tile g of one image's dL/dy (Ho x Wo x F, zero past the edge), as
// output_tiles reads them: the tiles the weight gradient multiplies the input tiles by.
static void gradient_tiles(const float* dy, int Ho, int Wo, int F, int th, int tw, float* out, int plane) {
  for (int ti = 0; ti < th; ti++) {
    for (int tj = 0; tj < tw; tj++) {
      const int t = ti * tw + tj;
      for (int f = 0; f < F; f += VL) {
        const int m = lanes_left(f, F);
        vf g[2][2];
        for (int r = 0; r < 2; r++) {
          for (int s = 0; s < 2; s++) {
            const int h = 2 * ti + r, w = 2 * tj + s;
            g[r][s] = h < Ho && w < Wo ? load_part(dy + (h * Wo + w) * F + f, m) : splat(0.0f);
          }
        }
        vf p[4][2];  // A g, down the columns
        for (int s = 0; s < 2; s++) {
          p[0][s] = g[0][s];
          p[1][s] = g[0][s] + g[1][s];
          p[2][s] = g[0][s] - g[1][s];
          p[3][s] = -g[1][s];
        }
        for (int r = 0; r < 4; r++) {  // then · Aᵀ, along the rows
          float* o = out + 4 * r * plane + t * F + f;
          store_part(o, p[r][0], m);
          store_part(o + plane, p[r][0] + p[r][1], m);
          store_part(o + 2 * plane, p[r][0] - p[r][1], m);
          store_part(o + 3 * plane, -p[r][1], m);
        }
      }
    }
  }
}

// The point a filter's point e moves to when the filter turns half a turn: 0 and 3 swap in both
// directions (G with its columns reversed is G with rows 0 and 3 swapped).
static inline int turned(int e) {
  static const int swap[4] = {3, 1, 2, 0};
  return 4 * swap[e / 4] + swap[e % 4];
}

// U[e][c][f] = (G g Gᵀ)[e] of filter f's weights on channel c (W is (3·3·C) x F, row (u·3 + v)·C + c),
// for channels [c0, c1); and the backward's Ub[turned(e)][f][c], the same number.
static void filter_points(const float* W, int C, int F, float* U, float* Ub, int c0, int c1) {
  for (int c = c0; c < c1; c++) {
    for (int f = 0; f < F; f += VL) {
      const int m = lanes_left(f, F);
      vf g[3][3];
      for (int u = 0; u < 3; u++) {
        for (int v = 0; v < 3; v++) g[u][v] = load_part(W + ((u * 3 + v) * C + c) * F + f, m);
      }
      vf a[4][3];  // G g, down the columns
      for (int v = 0; v < 3; v++) {
        a[0][v] = g[0][v];
        a[1][v] = 0.5f * (g[0][v] + g[1][v] + g[2][v]);
        a[2][v] = 0.5f * (g[0][v] - g[1][v] + g[2][v]);
        a[3][v] = g[2][v];
      }
      for (int r = 0; r < 4; r++) {  // then · Gᵀ, along the rows
        const vf u[4] = {a[r][0], 0.5f * (a[r][0] + a[r][1] + a[r][2]), 0.5f * (a[r][0] - a[r][1] + a[r][2]),
                         a[r][2]};
        for (int s = 0; s < 4; s++) {
          const int e = 4 * r + s;
          store_part(U + (e * C + c) * F + f, u[s], m);
          for (int i = 0; i < m; i++) Ub[(turned(e) * F + f + i) * C + c] = u[s][i];
        }
      }
    }
  }
}

// dL/dw rows [k0, k1) (row k = (u·3 + v)·C + c) from the points' gradients dU: Gᵀ dU G,
//   dL/dw[u][v][c][f] = Σ_α,β G[α][u] · G[β][v] · dU[4α + β][c][f]
static void filter_gradient(const float* dU, int C, int F, float* gW, int k0, int k1) {
  static const float G[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
  for (int k = k0; k < k1; k++) {
    const int u = k / (3 * C), v = k / C % 3, c = k % C;
    for (int f = 0; f < F; f += VL) {
      const int m = lanes_left(f, F);
      vf sum = splat(0.0f);
      for (int e = 0; e < 16; e++) {
        const float weight = G[e / 4][u] * G[e % 4][v];
        if (weight != 0.0f) sum = madd(splat(weight), load_part(dU + (e * C + c) * F + f, m), sum);
      }
      store_part(gW + k * F + f, sum, m);
    }
  }
}

// conv2d_forward for a Winograd layer: U and Ub from the filters (this thread's channels), then
// every image of this thread's share: its tiles into V, their products with U into Z, back to y.
static void winograd_forward(Net* net, const Layer* layer, int thread) {
  const int* L = layer->record;
  const int T = net->threads, N = net->rows, C = layer->C, F = layer->Co, pad = L[FIELD_PAD];
  const Winograd w = winograd_of(net, layer, thread);
  filter_points(F32(L[FIELD_W]), C, F, w.U, w.Ub, share(C, thread, T), share(C, thread + 1, T));
  barrier(net);
  for (int n = share(N, thread, T), end = share(N, thread + 1, T); n < end; n++) {
    pad_into(layer->in + n * layer->H * layer->W * C, layer->H, layer->W, C, pad, 2 * w.th + 2, 2 * w.tw + 2,
             w.padded);
    input_tiles(w.padded, 2 * w.tw + 2, C, w.th, w.tw, w.V, w.tiles * C);
    point_products(w.V, w.tiles * C, w.tiles, C, w.U, F32(net->program[PROGRAM_ZEROS]), w.Z, w.tiles * F, F);
    output_tiles(w.Z, w.tiles * F, w.th, w.tw, F, F32(L[FIELD_B]), L[FIELD_ACT],
                 layer->out + n * layer->Ho * layer->Wo * F, layer->Ho, layer->Wo);
  }
}

// conv2d_backward's gradients for a Winograd layer, given dL/dy. Images go in groups of
// WINOGRAD_GROUP, whole groups to a thread; for each image, dL/dy's tiles into Z and the input's
// (again) into V, their products point by point added to the group's share of dU in the order of
// the tiles; dL/dx from dL/dy's tiles padded by 2 − p, times Ub, back to the input's grid. Then dU
// is the groups' shares added in order (this thread's points), and dL/dw rows [k0, k1) into gW.
// Which thread takes a group changes no sum: the same bits on any thread count.
static void winograd_backward(Net* net, const Layer* layer, int thread, int k0, int k1) {
  const int* L = layer->record;
  const int T = net->threads, N = net->rows, C = layer->C, F = layer->Co, pad = L[FIELD_PAD];
  const int H = layer->H, W = layer->W, Ho = layer->Ho, Wo = layer->Wo;
  const Winograd w = winograd_of(net, layer, thread);
  const int tiles = w.tiles, thIn = (H + 1) / 2, twIn = (W + 1) / 2, tilesIn = thIn * twIn, CF = C * F;
  const int groups = (N + WINOGRAD_GROUP - 1) / WINOGRAD_GROUP;
  const float* zeros = F32(net->program[PROGRAM_ZEROS]);
  // This thread's buffer for dL/dx: dL/dy padded, its tiles Vb, their products Mb.
  float* paddedDy = w.rest;
  float* Vb = paddedDy + (2 * thIn + 2) * (2 * twIn + 2) * F;
  float* Mb = Vb + 16 * tilesIn * F;
  for (int g = share(groups, thread, T), lastGroup = share(groups, thread + 1, T); g < lastGroup; g++) {
    float* sum = w.groups + g * 16 * CF;
    for (int i = 0; i < 16 * CF; i++) sum[i] = 0.0f;
    for (int n = g * WINOGRAD_GROUP, end = n + WINOGRAD_GROUP < N ? n + WINOGRAD_GROUP : N; n < end; n++) {
      const float* dy = layer->dout + n * Ho * Wo * F;
      gradient_tiles(dy, Ho, Wo, F, w.th, w.tw, w.Z, tiles * F);
      pad_into(layer->in + n * H * W * C, H, W, C, pad, 2 * w.th + 2, 2 * w.tw + 2, w.padded);
      input_tiles(w.padded, 2 * w.tw + 2, C, w.th, w.tw, w.V, tiles * C);
      // The group's dU[e] += V[e]ᵀ · Z[e], in runs of CONV_TILE tiles that stay in cache.
      for (int e = 0; e < 16; e++) {
        for (int r0 = 0; r0 < tiles; r0 += CONV_TILE) {
          const int run = tiles - r0 < CONV_TILE ? tiles - r0 : CONV_TILE;
          accumulate_weight_rows(w.V + (e * tiles + r0) * C, 0, C, 0, 0, C, w.Z + (e * tiles + r0) * F, run, F,
                                 sum + e * CF);
        }
      }
      if (!layer->din) continue;
      pad_into(dy, Ho, Wo, F, 2 - pad, 2 * thIn + 2, 2 * twIn + 2, paddedDy);
      input_tiles(paddedDy, 2 * twIn + 2, F, thIn, twIn, Vb, tilesIn * F);
      point_products(Vb, tilesIn * F, tilesIn, F, w.Ub, zeros, Mb, tilesIn * C, C);
      output_tiles(Mb, tilesIn * C, thIn, twIn, C, zeros, ACT_NONE, layer->din + n * H * W * C, H, W);
    }
  }
  barrier(net);
  for (int e = share(16, thread, T), last = share(16, thread + 1, T); e < last; e++) {
    float* dU = w.dU + e * CF;
    copy_floats(dU, w.groups + e * CF, CF);
    for (int g = 1; g < groups; g++) add_floats(dU, w.groups + (g * 16 + e) * CF, CF);
  }
  barrier(net);
  filter_gradient(w.dU, C, F, F32(L[FIELD_GW]), k0, k1);
}
