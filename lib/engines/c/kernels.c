// The fast engines' kernels: one mini-batch step of a multi-layer perceptron or of a sequential
// (convolutional) network, in C that builds twice — to WebAssembly SIMD (deno task build-wasm,
// embedded in mlp_wasm.ts) and to the machine's own code (the native engine compiles it on first
// use with cc, gcc or clang). This is the one file both builds compile; it includes the others,
// one translation unit, so every kernel inlines where it is used.
//
// The same mathematics as lib/nn/, arranged for speed (each trick explained where it is done):
// - the MLP's first layer reads only the non-zero input pixels, and no gradient is computed for
//   the input itself (mlp.c);
// - bias and activation are fused into the product that makes each layer's output (dense.c);
// - the MLP's weight gradients are formed in registers one weight row at a time and applied at
//   once with the update rule, so they are never stored (mlp.c, rules.c);
// - vectors of VL floats over the output units everywhere, and the dense products four batch rows
//   at a time, so each weight is loaded once for four (dense.c);
// - threads split the rows, positions or images of each phase, then the weight rows of each
//   update, with every sum in one fixed order, so the results are bit-identical on 1 thread or 4
//   (threads.c).
//
// The parts, in the order they build on each other:
#include "vectors.c"     // vectors and the per-target layer: FMA, rounding, masks, e^x
#include "net.c"         // the named codes, the limits, the network's header (Net)
#include "threads.c"     // barriers, sleeping and waking, the workers
#include "rules.c"       // the update rules, each written once
#include "program.c"     // a sequential network's program: layer kinds, records, Layer
// One file per layer kind, each a forward/backward pair, as lib/nn/layers/ has them:
#include "activation.c"  // f(x) and f'(x), fused or as a layer; softmax
#include "dropout.c"     // inverted dropout's masks
#include "dense.c"       // the dense products and the dense layer
#include "winograd.c"    // 3 × 3 convolutions in Winograd's domain: 2.25 times fewer products
#include "maxpool.c"
#include "conv2d.c"      // convolution as dense products over patches
#include "conv_pool.c"   // a convolution and the pooling after it, run as one
#include "flatten.c"
#include "batchnorm.c"   // batch normalisation over the channels
// The two programs that use them:
#include "mlp.c"         // the multi-layer perceptron, fused and sparse
#include "sequential.c"  // a sequential network, layer by layer

// Thread `thread`'s share of the current job.
static void run_part(Net* net, int thread) {
  if (net->mode == MODE_SEQUENTIAL_TRAIN || net->mode == MODE_SEQUENTIAL_CLASSIFY) sequential_part(net, thread);
  else mlp_part(net, thread);
}

// Starts a job (a Mode) on every thread and does thread 0's share; returns when all shares are
// done.
EXPORT_AS(run_batch)
void run_batch(Net* net, int mode, int rows) {
  // The arrays hold `capacity` rows: a larger batch would run past them (the TypeScript side
  // throws before this; the guard is the kernels' own).
  if (rows < 0 || rows > net->capacity) return;
  net->mode = mode;
  net->rows = rows;
  net->nextRow = 0;
  if (net->threads > 1) {
    __atomic_add_fetch(&net->go, 1, __ATOMIC_SEQ_CST);
    wake_all(&net->go);
  }
  run_part(net, 0);
}

// ---- what the TypeScript side reads at load ----------------------------------------------------

// Every named number the TypeScript side shares with the kernels, made from the lists that make
// the enums: lib/engines/kernel_constants.ts reads them by name (constant_count, constant_name,
// constant_value) and refuses to load a build that lacks one it needs. The "net." entries say
// where each field of Net lies and how big it is, so that lib/engines/kernel_layout.ts fills the
// header in by name; they differ between the builds (pointers take 4 bytes or 8), the rest not.
#define AS_ENTRY(name, key) {key, name},
#define AS_OFFSET(field) {"net." #field, __builtin_offsetof(Net, field)},
static const struct {
  const char* key;
  int value;
} CONSTANTS[] = {
    LIMITS(AS_ENTRY) PROGRAM_SIZES(AS_ENTRY) MODES(AS_ENTRY) ACTIVATIONS(AS_ENTRY) RULES(AS_ENTRY)
    LAYER_KINDS(AS_ENTRY) FIELDS(AS_ENTRY) PROGRAM_HEADER(AS_ENTRY)
    NET_FIELDS(AS_OFFSET) {"net.bytes", sizeof(Net)}};
enum { CONSTANT_COUNT = sizeof CONSTANTS / sizeof CONSTANTS[0] };

EXPORT_AS(constant_count) int constant_count(void) { return CONSTANT_COUNT; }
// The name of constant i ("limit.maxLayers", "layer.conv", "net.weights", …), a C string; 0 past
// the end.
EXPORT_AS(constant_name) const char* constant_name(int i) {
  return i >= 0 && i < CONSTANT_COUNT ? CONSTANTS[i].key : 0;
}
EXPORT_AS(constant_value) int constant_value(int i) {
  return i >= 0 && i < CONSTANT_COUNT ? CONSTANTS[i].value : 0;
}

// What differs between the builds: the TypeScript side lays memory out by it and says what runs.
EXPORT_AS(pointer_size) int pointer_size(void) { return sizeof(void*); }
EXPORT_AS(vector_lanes) int vector_lanes(void) { return VL; }

#if !defined(__wasm__)
// ---- the native build's memory ----------------------------------------------------------------

// One zeroed block for a network's header and arrays, aligned for the widest vectors. calloc hands
// a large block over as fresh pages the system zeroes on first touch, so arrays a job never uses
// (the training scratch, when only classifying) cost nothing. The block calloc gave is kept just
// before the aligned start, for arena_free.
EXPORT_AS(arena_alloc) void* arena_alloc(long bytes) {
  char* raw = calloc(1, (size_t)bytes + 64 + sizeof(void*));
  if (!raw) return 0;
  char* block = raw + sizeof(void*);
  block += (64 - (unsigned long)block % 64) % 64;
  ((void**)block)[-1] = raw;
  return block;
}

EXPORT_AS(arena_free) void arena_free(void* block) { free(((void**)block)[-1]); }
#endif
