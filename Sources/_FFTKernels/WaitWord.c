// Spin-then-sleep waiting on a word (include/WaitWord.h).
#define _GNU_SOURCE
#include "WaitWord.h"

#include <sched.h>
#include <time.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

unsigned s4_wait_word_load(const unsigned *word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }

void s4_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

static long monotonic_nanoseconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long)now.tv_sec * 1000000000L + now.tv_nsec;
}

unsigned s4_wait_word_change(const unsigned *word, int *sleepers, unsigned seen, long spinNanoseconds) {
  unsigned value;
  long deadline = monotonic_nanoseconds() + spinNanoseconds;
  for (;;) {
    // A round of 32 pauses (a pause is tens of nanoseconds), then the core goes to any other
    // thread that is ready to run on it (OpenBLAS's workers, above all, which a spinning
    // thread would otherwise hold back for its whole spin), and the clock is read.
    for (int i = 0; i < 32; i++) {
      value = __atomic_load_n(word, __ATOMIC_ACQUIRE);
      if (value != seen) return value;
      s4_spin_pause();
    }
    sched_yield();
    if (monotonic_nanoseconds() >= deadline) break;
  }
  // Sleep. The increment of *sleepers and the kernel's check that *word still equals `seen`
  // are ordered against s4_wait_word_advance's increment of *word and its read of *sleepers
  // (all sequentially consistent), so either the advancing thread sees the sleeper and wakes
  // it, or the sleeper sees the new value and does not sleep.
  __atomic_add_fetch(sleepers, 1, __ATOMIC_SEQ_CST);
  while ((value = __atomic_load_n(word, __ATOMIC_SEQ_CST)) == seen) {
#if defined(__linux__)
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
#else
    sched_yield();
#endif
  }
  __atomic_sub_fetch(sleepers, 1, __ATOMIC_SEQ_CST);
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  return value;
}

void s4_wait_word_advance(unsigned *word, const int *sleepers) {
  __atomic_add_fetch(word, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(sleepers, __ATOMIC_SEQ_CST) > 0) {
#if defined(__linux__)
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
#endif
  }
}
