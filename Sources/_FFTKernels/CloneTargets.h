// How the C loops reach each CPU's vector units from one default build: a function marked
// S4_CLONES is compiled for x86-64-v4 (AVX-512), x86-64-v3 (AVX2 with FMA) and baseline
// x86-64, and the dynamic loader binds the best version for the running CPU once (an ifunc
// resolver, glibc on Linux). Elsewhere the function is compiled once, for the target's
// default.
#ifndef S4_CLONE_TARGETS_H
#define S4_CLONE_TARGETS_H

#if defined(__x86_64__) && defined(__linux__)
#define S4_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define S4_CLONES
#endif

#endif
