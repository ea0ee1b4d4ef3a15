// A 32-bit word that threads wait on until it changes (the wake-up of Parallel's worker
// threads, StateSpace/Concurrency/WorkerPool.swift): spin for a while, then sleep in the kernel
// (a Linux futex). In C because Swift has neither the pause instruction nor the futex call.
#ifndef S4_WAIT_WORD_H
#define S4_WAIT_WORD_H

/// The word's value (acquire).
unsigned s4_wait_word_load(const unsigned *word);

/// Waits until *word differs from `seen` and returns its new value (acquire). Spins, with the
/// pause hint, for about `spinNanoseconds`, then sleeps; while it sleeps *sleepers counts it.
unsigned s4_wait_word_change(const unsigned *word, int *sleepers, unsigned seen, long spinNanoseconds);

/// Adds 1 to *word and wakes every thread sleeping on it (there are none to wake unless
/// *sleepers > 0, which saves the system call).
void s4_wait_word_advance(unsigned *word, const int *sleepers);

/// The pause hint of a spin loop (x86 `pause`: the loop yields the core's resources to the
/// other hyperthread and leaves without a memory-order flush).
void s4_spin_pause(void);

#endif
