// The one test of the running CPU that the C loops' shapes depend on, the same as the
// resolver of their `target_clones("arch=x86-64-v4", ...)`.
#ifndef S4_CPU_LEVEL_H
#define S4_CPU_LEVEL_H

/// 1 when the CPU (and the OS, which must save the zmm state) runs x86-64-v4 code: AVX-512 F,
/// BW, CD, DQ and VL on top of x86-64-v3. 0 elsewhere, including on other architectures.
int s4_cpu_runs_x86_64_v4(void);

#endif
