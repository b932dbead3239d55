// Threads: Web Workers in WebAssembly, POSIX threads natively, each running its share of every
// job (run_part, in kernels.c) between barriers.
//
// Threads split the batch rows (or the positions, or the images) of each phase, then the weight
// rows of each update. Every sum keeps the same order whatever the thread count, so the results
// are bit-identical on 1 thread or 4.

static void run_part(Net* net, int thread);

// Sleeping until *address changes, and waking the sleepers: WebAssembly's atomic wait and notify,
// Linux's futex, or else a yield.
#if defined(__wasm__)
static inline void sleep_while_equal(int* address, int value) {
  __builtin_wasm_memory_atomic_wait32(address, value, -1);
}
static inline void wake_all(int* address) { __builtin_wasm_memory_atomic_notify(address, MAX_THREADS); }
#elif defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
static inline void sleep_while_equal(int* address, int value) {
  syscall(SYS_futex, address, FUTEX_WAIT_PRIVATE, value, 0, 0, 0);
}
static inline void wake_all(int* address) { syscall(SYS_futex, address, FUTEX_WAKE_PRIVATE, MAX_THREADS, 0, 0, 0); }
#else
#include <sched.h>
static inline void sleep_while_equal(int* address, int value) { (void)address; (void)value; sched_yield(); }
static inline void wake_all(int* address) { (void)address; }
#endif

// Waits until *address differs from `value`: spins first, then sleeps. A wake-up from sleep costs
// more than a whole phase of a small batch, and the system tends to wake a sleeper on the waker's
// own core, where the two then take turns: so a worker spins through the caller's work between
// batches (about a millisecond natively, where a pause instruction keeps the spinning cheap).
#if defined(__x86_64__) || defined(__i386__)
#define SPINS 100000
#define relax() __builtin_ia32_pause()
#else
#define SPINS 20000
#define relax() ((void)0)
#endif
static void wait_while_equal(int* address, int value) {
  for (int spin = 0; spin < SPINS; spin++) {
    if (__atomic_load_n(address, __ATOMIC_SEQ_CST) != value) return;
    relax();
  }
  while (__atomic_load_n(address, __ATOMIC_SEQ_CST) == value) sleep_while_equal(address, value);
}

static void barrier(Net* net) {
  // Once a worker has failed, nobody waits for it: the job runs on to its end, and the caller
  // finds `failed` set and reports it, instead of waiting forever.
  if (net->threads == 1 || __atomic_load_n(&net->failed, __ATOMIC_SEQ_CST)) return;
  int generation = __atomic_load_n(&net->barrierGeneration, __ATOMIC_SEQ_CST);
  if (__atomic_add_fetch(&net->barrierCount, 1, __ATOMIC_SEQ_CST) == net->threads) {
    __atomic_store_n(&net->barrierCount, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&net->barrierGeneration, generation + 1, __ATOMIC_SEQ_CST);
    wake_all(&net->barrierGeneration);
  } else {
    wait_while_equal(&net->barrierGeneration, generation);
  }
}

// The start of thread t's share of n items, of T threads.
static inline int share(int n, int t, int T) { return (int)(((long long)n * t) / T); }
// The start of thread t's share of n columns in whole vectors (the last one perhaps partial): sums
// and updates down columns run a vector at a time, and a part of one is loaded lane by lane, every
// row (a first convolution's 16 bias columns split 8 and 8 took a seventh of the speed run).
static inline int vector_share(int n, int t, int T) {
  const int start = share((n + VL - 1) / VL, t, T) * VL;
  return start < n ? start : n;
}

// A worker's life: wait for each job, do its share, until `stop`.
EXPORT_AS(worker_loop)
void worker_loop(Net* net, int thread, int seen) {
  for (;;) {
    wait_while_equal(&net->go, seen);
    seen = __atomic_load_n(&net->go, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&net->stop, __ATOMIC_SEQ_CST)) return;
    run_part(net, thread);
  }
}

// Wakes the workers to leave their loops.
EXPORT_AS(stop_workers)
void stop_workers(Net* net) {
  __atomic_store_n(&net->stop, 1, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&net->go, 1, __ATOMIC_SEQ_CST);
  wake_all(&net->go);
}

// Called by a worker whose share trapped: marks the job failed and wakes every thread waiting at
// a barrier, so the caller's run_batch returns.
EXPORT_AS(fail_threads)
void fail_threads(Net* net) {
  __atomic_store_n(&net->failed, 1, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&net->barrierGeneration, 1, __ATOMIC_SEQ_CST);
  wake_all(&net->barrierGeneration);
}

#if !defined(__wasm__)
// ---- the native build's threads (WebAssembly's are Web Workers, started by wasm_threads.ts) ----

typedef struct {
  Net* net;
  int thread, seen;
  pthread_t handle;
} Worker;

static void* worker_main(void* arg) {
  Worker* worker = arg;
  worker_loop(worker->net, worker->thread, worker->seen);
  return 0;
}

// Starts threads 1 … threads − 1 on `net` (thread 0 is the caller's); returns their handles for
// join_workers, after stop_workers.
EXPORT_AS(start_workers) void* start_workers(Net* net) {
  Worker* workers = calloc(MAX_THREADS, sizeof(Worker));
  const int seen = __atomic_load_n(&net->go, __ATOMIC_SEQ_CST);
  for (int t = 1; t < net->threads; t++) {
    workers[t] = (Worker){net, t, seen, 0};
    pthread_create(&workers[t].handle, 0, worker_main, &workers[t]);
  }
  return workers;
}

EXPORT_AS(join_workers) void join_workers(Net* net, void* handles) {
  Worker* workers = handles;
  for (int t = 1; t < net->threads; t++) pthread_join(workers[t].handle, 0);
  free(workers);
}
#endif
