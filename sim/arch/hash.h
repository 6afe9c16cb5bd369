/*
 * hash.h: the address hash that spreads lines over L2 slices and sets and
 * granules over DRAM channels and banks (a 64-bit finaliser, MurmurHash3's fmix64:
 * every input bit affects every output bit, so strided tensors do not camp on
 * one slice or channel), and FNV-1a over bytes (the results' content hashes, the
 * trace parser's interned params).
 */
#ifndef GPUSIM_HASH_H
#define GPUSIM_HASH_H

#include <stddef.h>
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

/* FNV-1a 64 over len bytes, continuing from h (start at FNV1A_INIT) */
#define FNV1A_INIT 0xcbf29ce484222325ULL
static inline uint64_t fnv1a_add(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) { h ^= p[i]; h *= 0x100000001b3ULL; }
    return h;
}

#endif
