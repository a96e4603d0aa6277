package main

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand"
	"sort"
	"strconv"
	"strings"
)

// workloadSeed seeds the permutation of ranks to keys, the same in every node
// (and the seed of gogocache's workload), and is the base of each client
// goroutine's own seed.
const workloadSeed = 20261125

// accessesPerThread is the length of each client goroutine's pre-drawn access
// sequence, which it goes through again when it gets to the end.
const accessesPerThread = 1 << 20

// workload is the key population and how popular each key is.
type workload struct {
	keys []string
	// rankToKey maps a popularity rank (from 0) to a key index, so that the
	// most popular keys are scattered over the population.
	rankToKey []uint32
	// cumulative[r] is the probability of drawing a rank <= r.
	cumulative []float64
}

func newWorkload(numKeys, keySize int, zipf float64) *workload {
	w := &workload{
		keys:       make([]string, numKeys),
		rankToKey:  make([]uint32, numKeys),
		cumulative: make([]float64, numKeys),
	}
	for i := range w.keys {
		w.keys[i] = keyName(i, keySize)
	}
	for r, k := range rand.New(rand.NewSource(workloadSeed)).Perm(numKeys) {
		w.rankToKey[r] = uint32(k)
	}
	sum := 0.0
	for r := range w.cumulative {
		sum += math.Pow(float64(r+1), -zipf)
		w.cumulative[r] = sum
	}
	for r := range w.cumulative {
		w.cumulative[r] /= sum
	}
	return w
}

// keyName is key i: "k" and i in decimal, zero-padded to keySize-1 digits,
// then padded with '_' to keySize bytes (validate makes sure i fits).
func keyName(i, keySize int) string {
	key := fmt.Sprintf("k%0*d", keySize-1, i)
	return key + strings.Repeat("_", keySize-len(key))
}

// keyIndex is the inverse of keyName, or -1 if key is not one of the keys.
func keyIndex(key string, numKeys, keySize int) int {
	if len(key) != keySize || key[0] != 'k' {
		return -1
	}
	i, err := strconv.Atoi(strings.TrimRight(key[1:], "_"))
	if err != nil || i < 0 || i >= numKeys || keyName(i, keySize) != key {
		return -1
	}
	return i
}

// accesses draws n key indexes with its own generator seeded with seed,
// inverting the cumulative distribution: the rank drawn is the first whose
// cumulative probability is at least a uniform number in [0, 1).
func (w *workload) accesses(n int, seed int64) []uint32 {
	random := rand.New(rand.NewSource(seed))
	out := make([]uint32, n)
	for i := range out {
		rank := sort.SearchFloat64s(w.cumulative, random.Float64())
		if rank >= len(w.cumulative) {
			rank = len(w.cumulative) - 1
		}
		out[i] = w.rankToKey[rank]
	}
	return out
}

// threadSeed is the seed of one client goroutine's access sequence: distinct
// for every node and goroutine (node < 64, thread < 1024), and from
// workloadSeed. math/rand reduces seeds modulo 2^31-1, which these stay below.
func threadSeed(node, thread int) int64 {
	return workloadSeed + int64(node)<<20 + int64(thread) + 1
}

// bitmap is a set of key indexes.
type bitmap []byte

func newBitmap(n int) bitmap { return make(bitmap, (n+7)/8) }

func (b bitmap) set(i uint32) { b[i/8] |= 1 << (i % 8) }

// union adds the members of other, a bitmap of the same size, to b.
func (b bitmap) union(other bitmap) {
	for i := range b {
		b[i] |= other[i]
	}
}

func (b bitmap) count() int {
	n := 0
	for _, x := range b {
		n += bits.OnesCount8(x)
	}
	return n
}
