package main

import (
	"io"
	"math/bits"
	"net/http"
	"sync"
	"time"
)

// histogram counts latencies in nanoseconds in log-linear buckets, exactly as
// gogocache's tools/latency_histogram.h does, so that percentiles from the two
// systems are read at the same resolution. Its fields are exported for JSON.
type histogram struct {
	Buckets []uint64
	Count   uint64
	Max     uint64
}

const (
	subBits    = 4 // 16 buckets per power of two.
	numBuckets = (64 - subBits + 1) << subBits
)

func newHistogram() histogram {
	return histogram{Buckets: make([]uint64, numBuckets)}
}

// bucketOf: values below 2^subBits get a bucket each; above, the bucket is
// the exponent and the next subBits bits of the mantissa.
func bucketOf(v uint64) int {
	if v < 1<<subBits {
		return int(v)
	}
	shift := bits.Len64(v) - 1 - subBits
	mantissa := (v >> shift) & (1<<subBits - 1)
	return (shift+1)<<subBits + int(mantissa)
}

func upperBoundOf(bucket int) uint64 {
	if bucket < 1<<subBits {
		return uint64(bucket)
	}
	shift := bucket>>subBits - 1
	mantissa := uint64(bucket) & (1<<subBits - 1)
	low := (1<<subBits | mantissa) << shift
	return low + (1<<shift - 1)
}

func (h *histogram) record(nanos uint64) {
	h.Buckets[bucketOf(nanos)]++
	h.Count++
	if nanos > h.Max {
		h.Max = nanos
	}
}

func (h *histogram) merge(other histogram) {
	for i, n := range other.Buckets {
		h.Buckets[i] += n
	}
	h.Count += other.Count
	if other.Max > h.Max {
		h.Max = other.Max
	}
}

// percentile is the upper bound of the first bucket at which at least
// fraction (in [0, 1]) of the samples lie, capped by the largest sample; 0
// when there are none.
func (h *histogram) percentile(fraction float64) uint64 {
	if h.Count == 0 {
		return 0
	}
	wanted := fraction * float64(h.Count)
	var seen uint64
	for i, n := range h.Buckets {
		seen += n
		if float64(seen) >= wanted && seen > 0 {
			if upper := upperBoundOf(i); upper < h.Max {
				return upper
			}
			return h.Max
		}
	}
	return h.Max
}

// latencies is a histogram that the goroutines fetching from peers record
// into concurrently.
type latencies struct {
	mu sync.Mutex
	h  histogram
}

func (l *latencies) record(d time.Duration) {
	l.mu.Lock()
	l.h.record(uint64(d))
	l.mu.Unlock()
}

func (l *latencies) snapshot() histogram {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := newHistogram()
	h.merge(l.h)
	return h
}

// timingTransport records how long each peer fetch takes: from the start of
// the round trip to the end of the response body, or to the error if the
// round trip fails.
type timingTransport struct {
	base      http.RoundTripper
	latencies *latencies
}

func (t timingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := t.base.RoundTrip(req)
	if err != nil {
		t.latencies.record(time.Since(start))
		return nil, err
	}
	res.Body = &timedBody{ReadCloser: res.Body, start: start, latencies: t.latencies}
	return res, nil
}

// timedBody records the fetch's duration when its body ends: at the first
// error (EOF included) from Read, or at Close, whichever comes first.
type timedBody struct {
	io.ReadCloser
	start     time.Time
	latencies *latencies
	done      bool
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.finish()
	}
	return n, err
}

func (b *timedBody) Close() error {
	b.finish()
	return b.ReadCloser.Close()
}

func (b *timedBody) finish() {
	if !b.done {
		b.done = true
		b.latencies.record(time.Since(b.start))
	}
}
