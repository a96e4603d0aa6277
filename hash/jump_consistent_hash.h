// Copyright 2026 The gogocache Authors.
//
// Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent
// Hash Algorithm", 2014, arXiv:1406.2294). It chooses one of N buckets for a
// 64-bit key so that, when N grows to N + 1, only about 1/(N + 1) of the keys
// move, and every key that moves moves to the new bucket. It needs no state
// and no memory, and its answer is the same on every machine.
//
// In gogocache it is a tool for users who number their own servers 0 to N-1:
// `gogocache hash` prints a key's jump-hash bucket among --buckets. Peers do
// not use it: they pick a key's owner by rendezvous hashing (OwnerPicker,
// peer/owner_picker.h), because jump hash fits only buckets numbered 0 to
// N-1 that are added and removed at the end, while peers are named by address
// and any of them may leave. It runs in O(log N) steps, each with a
// floating-point division, so it is not meant for the per-lookup shard choice
// either (see ShardSelector).
//
// Thread safety: a pure function.

#ifndef GOGOCACHE_HASH_JUMP_CONSISTENT_HASH_H_
#define GOGOCACHE_HASH_JUMP_CONSISTENT_HASH_H_

#include <cstdint>

namespace gogocache {

// The bucket, in [0, num_buckets), for `key`. A num_buckets below 1 is treated
// as 1 (the answer is then always 0). Returns the same values as the paper's
// reference code and the Go and Java ports of it.
int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets);

}  // namespace gogocache

#endif  // GOGOCACHE_HASH_JUMP_CONSISTENT_HASH_H_
