/*
 * hash.h: the address hash that spreads lines over L2 slices and sets and
 * granules over DRAM channels and banks (a 64-bit finaliser, MurmurHash3's fmix64:
 * every input bit affects every output bit, so strided tensors do not camp on
 * one slice or channel).
 */
#ifndef GPUSIM_HASH_H
#define GPUSIM_HASH_H

#include <stdint.h>

static inline uint64_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

#endif
