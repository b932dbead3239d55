// The named codes the TypeScript side shares with the kernels, the limits, and the header of one
// network (Net) that both the MLP (mlp.c) and the sequential program (sequential.c) run on.
//
// Every code is listed once, in an X-macro: the list makes the C enum here, and kernels.c makes
// from the same lists the table of named constants that lib/engines/kernel_constants.ts reads
// from the compiled library at load. The sequential program's own codes (layer kinds, record
// fields) are in program.c.

// X(name, key): the enumerator, and the name the TypeScript side looks it up by.
#define AS_ENUM(name, key) name,

// The most weight layers and threads the kernels are compiled for, the positions per tile of a
// convolution's weight gradient (conv2d.c), which sizes a buffer the TypeScript side allocates, and
// the images per group of a Winograd layer's weight gradient (winograd.c), which sizes another.
enum Limit { MAX_LAYERS = 7, MAX_THREADS = 4, CONV_TILE = 64, WINOGRAD_GROUP = 8 };
#define LIMITS(X)                                                                                  \
  X(MAX_LAYERS, "limit.maxLayers") X(MAX_THREADS, "limit.maxThreads") X(CONV_TILE, "limit.convTile") \
  X(WINOGRAD_GROUP, "limit.winogradGroup") X(ACT_NONE, "limit.noActivation")

// The jobs of run_batch.
#define MODES(X)                                                                                   \
  X(MODE_MLP_CLASSIFY, "mode.mlpClassify")          /* forward only, on the rows in activations[0] */ \
  X(MODE_MLP_TRAIN_INDEXED, "mode.mlpTrainIndexed") /* train on training rows `indices` */         \
  X(MODE_MLP_TRAIN_ROWS, "mode.mlpTrainRows")       /* train on the rows in activations[0] */      \
  X(MODE_SEQUENTIAL_TRAIN, "mode.sequentialTrain")  /* a sequential network's training step */     \
  X(MODE_SEQUENTIAL_CLASSIFY, "mode.sequentialClassify") /* and its forward pass */
enum Mode { MODE_NONE, MODES(AS_ENUM) };

// The activations the kernels compute (activation.c); ACT_NONE: a layer with none fused.
#define ACTIVATIONS(X)                                                                             \
  X(ACT_SIGMOID, "activation.sigmoid") X(ACT_RELU, "activation.relu") X(ACT_TANH, "activation.tanh")
enum Activation { ACT_NONE = -1, ACTIVATIONS(AS_ENUM) };

// The update rules (rules.c); plain descent is momentum with mu = 0.
#define RULES(X)                                                                                   \
  X(RULE_MOMENTUM, "rule.momentum") X(RULE_NESTEROV, "rule.nesterov")                              \
  X(RULE_RMSPROP, "rule.rmsprop") X(RULE_ADAM, "rule.adam") X(RULE_ADAMW, "rule.adamw")
enum UpdateRule { RULES(AS_ENUM) };

// One network's header. lib/engines/kernel_layout.ts fills it in by name, through the constants
// "net.<field>" that kernels.c makes from NET_FIELDS below, so its order is free; fields written
// together stay together.
typedef struct {
  // ---- the network's shape
  int layers;              // number of weight layers L
  enum Activation hidden;  // the hidden layers' activation
  int capacity;            // most rows in a batch
  int sizes[MAX_LAYERS + 1];

  // ---- parameters (the MLP's; a sequential network's are placed by its program)
  float* weights[MAX_LAYERS];     // sizes[l] x sizes[l+1], row-major
  float* biases[MAX_LAYERS];      // sizes[l+1]
  float* transposed[MAX_LAYERS];  // sizes[l+1] x sizes[l]: W_l transposed, for l >= 1

  // ---- the batch: activations, deltas, labels
  float* activations[MAX_LAYERS + 1];  // capacity x sizes[l]; [0] is the input batch
  float* deltas[MAX_LAYERS + 1];       // capacity x sizes[l], l >= 1
  const float* zeros;                  // as many zeros as the widest layer
  const unsigned char* labels;
  const unsigned* indices;  // the batch's training rows (MODE_MLP_TRAIN_INDEXED)

  // ---- the first layer's sparse input (mlp.c): where each batch row's non-zero inputs are
  // listed: in rowIndex/rowValue (rows scanned from activations[0]) or in the training set's own
  // lists, made once per run (dataStart/Index/Value); and, per thread, the same by column.
  int* rowCount;             // capacity: non-zero inputs of each batch row
  int* rowIndex;             // capacity x sizes[0]: their columns, row r at r * sizes[0]
  float* rowValue;           // capacity x sizes[0]: their values
  const int** rowIndexOf;    // capacity
  const float** rowValueOf;  // capacity
  const int* dataStart;      // training rows + 1: where each row's list starts
  const int* dataIndex;      // the columns of every training row's non-zero inputs
  const float* dataValue;    // and their values
  int* colStart[MAX_THREADS];    // sizes[0] + 1 per thread: CSC of the thread's own columns
  int* colRow[MAX_THREADS];      // capacity x sizes[0] per thread, then 2 x capacity of scratch
  float* colValue[MAX_THREADS];  // capacity x sizes[0] per thread

  // ---- threads, and the job of the current batch, set by run_batch and read by every thread
  int threads;
  enum Mode mode;
  int rows;
  int go;  // a generation counter that starts a job
  int barrierCount;
  int barrierGeneration;
  int stop;
  int failed;  // set by a worker that trapped (WebAssembly): barriers stop waiting
  int nextRow;  // classifying with the MLP: the first row of the next chunk a thread takes

  // ---- the update rule (rules.c): the first moments (and the velocities of momentum and
  // Nesterov) live in velocityW/velocityB, the second moments (RMSProp, Adam) in squareW/squareB.
  enum UpdateRule optimizer;
  float learningRate, momentum, weightDecay;  // written together
  float beta1, beta2, epsilon;                // beta2 is RMSProp's rho; written together with
  float correction1, correction2;             // Adam's 1 - beta1^t and 1 - beta2^t for this step
  float labelSmoothing, maxNorm;  // ε of the targets (activation.c), c of max-norm (rules.c); 0: none;
                                  // written together
  float* velocityW[MAX_LAYERS];  // like weights
  float* velocityB[MAX_LAYERS];  // like biases
  float* squareW[MAX_LAYERS];
  float* squareB[MAX_LAYERS];

  // ---- dropout of the MLP's hidden layers while training (dropout.c): unit i of activation
  // layer l is dropped when hash(seed, step, l, i) < dropThreshold[l], else scaled by
  // dropKeep[l] = 1 / (1 - rate). A sequential network's dropout layers use the seed and step.
  unsigned dropThreshold[MAX_LAYERS + 1];
  float dropKeep[MAX_LAYERS + 1];
  unsigned dropSeed, dropStep;

  // ---- a sequential network's program (program.c), and the base its byte offsets count from
  const int* program;
  char* base;
} Net;

// The fields the TypeScript side writes or reads, by name: kernels.c publishes where each lies
// ("net.layers", …) and how many bytes Net takes ("net.bytes"); a name the TypeScript side needs
// and this list lacks stops the build from loading (lib/engines/kernel_constants.ts).
#define NET_FIELDS(X)                                                                              \
  X(layers) X(hidden) X(capacity) X(sizes) X(weights) X(biases) X(transposed) X(activations)     \
  X(deltas) X(zeros) X(labels) X(indices) X(rowCount) X(rowIndex) X(rowValue) X(rowIndexOf)      \
  X(rowValueOf) X(dataStart) X(dataIndex) X(dataValue) X(colStart) X(colRow) X(colValue)         \
  X(threads) X(go) X(failed) X(optimizer) X(learningRate) X(beta1) X(labelSmoothing) X(maxNorm)   \
  X(velocityW) X(velocityB) X(squareW) X(squareB) X(dropThreshold) X(dropKeep) X(dropSeed)        \
  X(dropStep) X(program) X(base)
