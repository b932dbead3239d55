// A sequential network's program, as lib/engines/kernel_cnn.ts writes it: a header of ints, then
// one record of LAYER_INTS ints per layer giving its kind, its shapes and where its arrays lie
// (byte offsets from net->base: 0 in WebAssembly, the block's address natively). One call of
// run_batch (MODE_SEQUENTIAL_TRAIN or MODE_SEQUENTIAL_CLASSIFY) runs the whole program on every
// thread (sequential.c), each doing its share of every layer, with barriers between layers.
//
// Layout: images travel channels-last (NHWC: each pixel's C channels side by side), so a
// convolution is a dense product per output position (conv2d.c); flatten turns NHWC into the
// reference's channels-first order, so dense layers use the reference's weights as they are.

// The kinds of layer the program runs, one file each.
#define LAYER_KINDS(X)                                                                             \
  X(LAYER_CONV2D, "layer.conv")       /* conv2d.c */                                              \
  X(LAYER_MAXPOOL, "layer.maxpool")   /* maxpool.c */                                             \
  X(LAYER_DENSE, "layer.dense")       /* dense.c */                                               \
  X(LAYER_FLATTEN, "layer.flatten")   /* flatten.c */                                             \
  X(LAYER_ACTIVATION, "layer.activation") /* activation.c */                                      \
  X(LAYER_DROPOUT, "layer.dropout")   /* dropout.c */                                             \
  X(LAYER_BATCHNORM, "layer.batchnorm") /* batchnorm.c */
enum LayerKind { LAYER_KINDS(AS_ENUM) };

// The fields of a layer's record, by position; byte offsets are from net->base, 0 for none.
#define FIELDS(X)                                                                                  \
  X(FIELD_TYPE, "field.type")          /* its LayerKind */                                        \
  X(FIELD_IN_C, "field.inC") X(FIELD_IN_H, "field.inH") X(FIELD_IN_W, "field.inW") /* input */     \
  X(FIELD_OUT_C, "field.outC") X(FIELD_OUT_H, "field.outH") X(FIELD_OUT_W, "field.outW")           \
  X(FIELD_SIZE, "field.size")          /* k of a convolution, s of a pooling */                   \
  X(FIELD_PAD, "field.pad")            /* a convolution's zero padding p */                       \
  X(FIELD_ACT, "field.act")            /* the Activation fused after it, or ACT_NONE */           \
  X(FIELD_OUT, "field.out") X(FIELD_DOUT, "field.dout") /* its output y and dL/dy */               \
  X(FIELD_W, "field.W") X(FIELD_B, "field.b")           /* parameters */                          \
  X(FIELD_VW, "field.vW") X(FIELD_VB, "field.vb")       /* their velocities or first moments */   \
  X(FIELD_SW, "field.sW") X(FIELD_SB, "field.sb")       /* second moments, or 0 */                \
  X(FIELD_GW, "field.gW")              /* the weight gradient */                                  \
  X(FIELD_WT, "field.Wt")              /* the weights transposed: out x in, or F x (k·k·C) */    \
  X(FIELD_ARGMAX, "field.argmax")      /* where each pooled maximum came from (ints) */           \
  X(FIELD_XPAD, "field.xpad")          /* the zero-padded input of a convolution */               \
  X(FIELD_DPAD, "field.dpad")          /* its input gradient, zero-padded (conv with padding) */ \
  X(FIELD_PATCH, "field.patch")        /* per-thread patch buffers of PATCH_FLOATS floats */      \
  X(FIELD_PATCH_FLOATS, "field.patchFloats")                                                      \
  X(FIELD_DROP, "field.drop")          /* dropout: the hash threshold below which a unit drops */ \
  X(FIELD_KEEP, "field.keep")          /* the float 1 / (1 - rate), its bits */                   \
  X(FIELD_INDEX, "field.index")        /* the layer number its masks are drawn for */             \
  X(FIELD_NORM, "field.norm")          /* batch normalisation: x̂ of the last training batch */    \
  X(FIELD_STATS, "field.stats")        /* and its numbers per channel (batchnorm.c) */            \
  X(FIELD_WINO, "field.wino")          /* a Winograd 3 × 3 layer: its filters' points (winograd.c) */ \
  X(FIELD_TILES, "field.tiles")        /* and the batch's tiles, or 0 for the direct convolution */
enum Field { FIELDS(AS_ENUM) FIELD_COUNT };

// The program's header.
#define PROGRAM_HEADER(X)                                                                          \
  X(PROGRAM_LAYERS, "header.layers")   /* number of records */                                    \
  X(PROGRAM_INPUT, "header.input")     /* the input images */                                     \
  X(PROGRAM_LABELS, "header.labels")   /* their labels (bytes) */                                 \
  X(PROGRAM_ZEROS, "header.zeros")     /* zeros, as many as the widest layer */
enum ProgramHeader { PROGRAM_HEADER(AS_ENUM) PROGRAM_HEADER_COUNT };

// Ints per record and in the header: room to spare past the fields.
enum { LAYER_INTS = 32, HEADER_INTS = 8 };
_Static_assert((int)FIELD_COUNT <= (int)LAYER_INTS, "a layer's record holds every field");
_Static_assert((int)PROGRAM_HEADER_COUNT <= (int)HEADER_INTS, "the header holds every entry");
#define PROGRAM_SIZES(X) X(LAYER_INTS, "limit.layerInts") X(HEADER_INTS, "limit.headerInts")

#define F32(offset) ((float*)(net->base + (offset)))

// One layer of the program as its forward and backward see it; shapes channels-last.
typedef struct {
  const int* record;  // indexed by the FIELD_ codes
  int C, H, W;        // input: channels, height, width
  int Co, Ho, Wo;     // output
  const float* in;    // its input: the images for the first layer
  float* out;         // its output y
  float* din;         // the gradient it passes back, dL/dx: none (0) for the first layer
  float* dout;        // dL/dy
} Layer;

static inline const int* record_of(const Net* net, int l) {
  return net->program + HEADER_INTS + l * LAYER_INTS;
}

static inline Layer layer_of(const Net* net, int l) {
  const int* L = record_of(net, l);
  return (Layer){
      L, L[FIELD_IN_C], L[FIELD_IN_H], L[FIELD_IN_W], L[FIELD_OUT_C], L[FIELD_OUT_H], L[FIELD_OUT_W],
      l == 0 ? F32(net->program[PROGRAM_INPUT]) : F32(record_of(net, l - 1)[FIELD_OUT]),
      F32(L[FIELD_OUT]),
      l == 0 ? 0 : F32(record_of(net, l - 1)[FIELD_DOUT]),
      F32(L[FIELD_DOUT])};
}

static inline int in_size(const Layer* layer) { return layer->C * layer->H * layer->W; }
static inline int out_size(const Layer* layer) { return layer->Co * layer->Ho * layer->Wo; }
// One of the layer's arrays, or 0 where the record has none.
static inline float* array_of(const Net* net, const Layer* layer, enum Field field) {
  return layer->record[field] ? F32(layer->record[field]) : 0;
}

// This thread's work buffer of the layer (FIELD_PATCH_FLOATS floats).
static inline float* patch_of(const Net* net, const Layer* layer, int thread) {
  return F32(layer->record[FIELD_PATCH]) + thread * layer->record[FIELD_PATCH_FLOATS];
}

// The position after (n, i, j) in an N x Ho x Wo grid, row by row: counting, not dividing, in the
// loops over positions (a division takes as long as a dozen multiply-adds).
static inline void next_position(int* n, int* i, int* j, int Ho, int Wo) {
  if (++*j == Wo) {
    *j = 0;
    if (++*i == Ho) {
      *i = 0;
      ++*n;
    }
  }
}
