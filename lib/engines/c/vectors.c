// Vectors, and what differs per target: the per-target layer under every kernel.
//
// The kernels are written with GCC/Clang vector extensions (`vf`, VL lanes: 4 in WebAssembly, 16
// with AVX-512, 8 with AVX, else 4), which both compilers turn into the target's widest
// instructions. What differs per target sits here: the fused multiply-add, rounding, the mask of
// non-zero lanes (one compare where the target has one). How a thread sleeps and wakes is in
// threads.c.

#if defined(__wasm__)
#include <wasm_simd128.h>
#else
#include <pthread.h>
#include <stdlib.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif
#include <string.h>
#endif

#if defined(__wasm__)
#define VL 4
#elif defined(__AVX512F__)
#define VL 16
#elif defined(__AVX__)
#define VL 8
#else
#define VL 4
#endif

// What the TypeScript side may call: exported from the WebAssembly module, or visible in the
// shared library.
#if defined(__wasm__)
#define EXPORT_AS(name) __attribute__((export_name(#name)))
#else
#define EXPORT_AS(name) __attribute__((visibility("default")))
#endif

// A layer's forward or backward kept a function of its own: inlined into the one loop that runs
// every layer, its registers spilled to the stack around each other's loops.
#define NOINLINE __attribute__((noinline))

#if defined(__wasm__)
// clang may turn copy loops into calls to these; there is no C library in WebAssembly.
void* memcpy(void* to, const void* from, unsigned long n) {
  unsigned char* t = to;
  const unsigned char* f = from;
  while (n--) *t++ = *f++;
  return to;
}
void* memset(void* to, int value, unsigned long n) {
  unsigned char* t = to;
  while (n--) *t++ = (unsigned char)value;
  return to;
}
#endif

typedef float vf __attribute__((vector_size(VL * 4)));
typedef int vi __attribute__((vector_size(VL * 4)));

static inline vf load(const float* p) { vf v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline void store(float* p, vf v) { __builtin_memcpy(p, &v, sizeof v); }
// x in every lane: one broadcast (from memory, when x is loaded). Written as −0 + x, which is x for
// every x, so the compiler drops the addition; 0 + x is not (it turns −0 into +0), and the addition
// it kept took a slot from the multiply-adds.
static inline vf splat(float x) { return -(vf){0} + x; }

// Keeps a loaded vector in a register: a product block loads each weight vector once for four rows,
// where the compiler would fold the load into each of the four multiply-adds (four loads, and the
// load ports, not the multiply-adders, would set the pace).
#if defined(__x86_64__) || defined(__i386__)
#define IN_REGISTER(v) __asm__("" : "+x"(v))
#else
#define IN_REGISTER(v) (void)0
#endif

// Up to VL floats from p (n of them, 0 < n <= VL), the other lanes zero; and their store: one
// masked instruction where the target has them (a masked lane never faults), else lane by lane. A
// whole vector is one load: the compiler made the loop a string copy (rep movs), dozens of cycles.
static inline vf load_part(const float* p, int n) {
  if (n == VL) return load(p);
#if defined(__AVX512F__)
  return (vf)_mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1), p);
#elif defined(__AVX2__) && VL == 8
  return (vf)_mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
#else
  vf v = {0};
  for (int i = 0; i < n; i++) v[i] = p[i];
  return v;
#endif
}
static inline void store_part(float* p, vf v, int n) {
  if (n == VL) {
    store(p, v);
    return;
  }
#if defined(__AVX512F__)
  _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1), (__m512)v);
#elif defined(__AVX2__) && VL == 8
  _mm256_maskstore_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)), (__m256)v);
#else
  for (int i = 0; i < n; i++) p[i] = v[i];
#endif
}

// n floats from `from` to `to` (not overlapping), inline: the patches of a convolution are rows of a
// few to a few dozen floats, too short to repay a call to memcpy.
static inline void copy_floats(float* to, const float* from, int n) {
  int i = 0;
  for (; i + VL <= n; i += VL) store(to + i, load(from + i));
  for (; i < n; i++) to[i] = from[i];
}
// to += from, n floats, inline.
static inline void add_floats(float* to, const float* from, int n) {
  int i = 0;
  for (; i + VL <= n; i += VL) store(to + i, load(to + i) + load(from + i));
  for (; i < n; i++) to[i] += from[i];
}

// The lanes of a vector that start at i of an array of `end`: VL, or fewer for the last one.
static inline int lanes_left(int i, int end) { return end - i < VL ? end - i : VL; }

// a·b + c, fused where the target fuses it (relaxed SIMD in WebAssembly, FMA natively). Natively
// it is the FMA instruction itself, and the build forbids the compiler to fuse anything else
// (-ffp-contract=off): where GCC would choose to fuse a·b + c depends on the processor it tunes
// for (on AMD's, it splits chains of them), which made the same seed round differently on two
// machines with the same instructions.
static inline vf madd(vf a, vf b, vf c) {
#if defined(__wasm__)
  return (vf)__builtin_wasm_relaxed_madd_f32x4(a, b, c);
#elif defined(__AVX512F__)
  return (vf)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
#elif defined(__FMA__) && VL == 8
  return (vf)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
#else
  return a * b + c;
#endif
}
static inline vf blend(vi mask, vf yes, vf no) { return (vf)((mask & (vi)yes) | (~mask & (vi)no)); }
// Maximum and minimum that keep a NaN in `a`, as WebAssembly's do: a diverging run must show NaN,
// not hide it behind a ReLU.
static inline vf vmax(vf a, vf b) { return blend((a > b) | (a != a), a, b); }
static inline vf vmin(vf a, vf b) { return blend((a < b) | (a != a), a, b); }
static inline vf vsqrt(vf a) {
  for (int i = 0; i < VL; i++) a[i] = __builtin_sqrtf(a[i]);
  return a;
}
// Bit i set where lane i of x is not zero.
static inline int nonzero_lanes(vf x) {
#if defined(__wasm__)
  return wasm_i32x4_bitmask(wasm_f32x4_ne(x, wasm_f32x4_splat(0.0f)));
#elif defined(__AVX512F__)
  return _mm512_cmp_ps_mask((__m512)x, _mm512_setzero_ps(), _CMP_NEQ_UQ);
#elif defined(__AVX__)
  return _mm256_movemask_ps(_mm256_cmp_ps((__m256)x, _mm256_setzero_ps(), _CMP_NEQ_UQ));
#else
  int mask = 0;
  for (int i = 0; i < VL; i++) mask |= (x[i] != 0.0f) << i;
  return mask;
#endif
}

// e^x by Cody–Waite range reduction and Cephes' degree-6 polynomial: about 2 ulp on
// [-87, 88]; inputs are clamped there, so results stay finite and normal.
static inline vf vexp(vf x) {
  x = vmin(vmax(x, splat(-87.0f)), splat(88.0f));
  // Round to the nearest integer: adding and taking away 1.5 × 2^23 drops the fraction.
  vf n = x * 1.44269504088896341f;
  n = (n + 12582912.0f) - 12582912.0f;
  vf r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  vf y = splat(1.9875691500e-4f);
  y = madd(y, r, splat(1.3981999507e-3f));
  y = madd(y, r, splat(8.3334519073e-3f));
  y = madd(y, r, splat(4.1665795894e-2f));
  y = madd(y, r, splat(1.6666665459e-1f));
  y = madd(y, r, splat(5.0000001201e-1f));
  y = y * r * r + r + 1.0f;
  const vi scale = (__builtin_convertvector(n, vi) + 127) << 23;
  return y * (vf)scale;
}
