// Command groupcache_cluster is the Go groupcache side of a side-by-side
// cluster benchmark: it runs a cluster of github.com/golang/groupcache nodes
// on this machine under the same workload as gogocache's own cluster demo and
// prints a report in the same name=value form, so the two can be compared.
//
// Usage:
//
//	groupcache_cluster --nodes=3 --threads=2 --keys=100000 --key_size=16 \
//	    --zipf=1.01 --value_size=100 --duration=5s --cache_bytes=67108864 \
//	    [--tls_dir=DIR]
//
// The parent process starts --nodes copies of itself (with the hidden
// --child=INDEX flag), each a groupcache node serving HTTP on 127.0.0.1 at a
// port chosen by the OS. The parent and each node talk over the node's stdin
// and stdout, one line per message:
//
//	node -> parent   addr URL      the node is serving at URL
//	parent -> node   peers URL...  every node's URL; the node calls pool.Set
//	node -> parent   ready
//	parent -> node   go NANOS      start the workload at this Unix time
//	node -> parent   finished      the workload is over
//	parent -> node   stop          every node has finished: report and exit
//	node -> parent   stats JSON    the node's statistics
//
// Nodes keep serving their peers until every node has finished, so no node's
// workload sees a peer disappear. A node exits when its stdin closes, so it
// cannot outlive the parent; the parent fails with a clear message, and kills
// its nodes, when a node exits early or a step takes too long.
//
// The workload follows gogocache's (benchmarks/workload.cc): key i is
// "k%0*d" of width key_size-1, padded with '_' to key_size bytes; rank r
// (from 1) has Zipf weight r^-s, ranks map to keys through a random
// permutation that is the same in every node, and each client goroutine
// draws its own access sequence in advance by inverting the exact cumulative
// distribution, so drawing random numbers is not timed. The getter returns at
// once a value_size-byte value made of the key repeated.
//
// Peer fetch latency is the time from the start of the HTTP round trip to the
// end of the response body (its EOF or Close, whichever comes first), as seen
// by the fetching node; it is kept in the same log-linear histogram as
// gogocache's tools/latency_histogram.h, and percentiles are read from it the
// same way.
//
// With --tls_dir=DIR, DIR holds ca.pem, node.pem and node.key (a certificate
// for IP 127.0.0.1 signed by ca.pem, used both as server and as client
// certificate): every node serves HTTPS and requires a client certificate
// signed by ca.pem. Both modes use HTTP/1.1 with keep-alive and up to 64 idle
// connections per peer, so connections are reused instead of reopened.
//
// Build with Debian's packages only (golang-go, golang-github-golang-groupcache-dev):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o groupcache_cluster ./benchmarks/groupcache_cluster
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// config is the benchmark's configuration, the same in the parent and in
// every node.
type config struct {
	nodes      int
	threads    int
	keys       int
	keySize    int
	zipf       float64
	valueSize  int
	duration   time.Duration
	cacheBytes int64
	tlsDir     string
}

// register defines the public flags on fs.
func (c *config) register(fs *flag.FlagSet) {
	fs.IntVar(&c.nodes, "nodes", 3, "number of groupcache nodes (processes)")
	fs.IntVar(&c.threads, "threads", 2, "client goroutines per node")
	fs.IntVar(&c.keys, "keys", 100000, "number of distinct keys")
	fs.IntVar(&c.keySize, "key_size", 16, "bytes per key")
	fs.Float64Var(&c.zipf, "zipf", 1.01, "Zipf exponent s: rank r has weight r^-s")
	fs.IntVar(&c.valueSize, "value_size", 100, "bytes per value")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "how long the workload runs")
	fs.Int64Var(&c.cacheBytes, "cache_bytes", 64<<20, "groupcache cache size per node, in bytes")
	fs.StringVar(&c.tlsDir, "tls_dir", "", "directory with ca.pem, node.pem and node.key: serve and fetch over mutual TLS")
}

func (c *config) validate() error {
	switch {
	case c.nodes < 1 || c.nodes > 64:
		return fmt.Errorf("--nodes must be in [1, 64], got %d", c.nodes)
	case c.threads < 1 || c.threads > 1024:
		return fmt.Errorf("--threads must be in [1, 1024], got %d", c.threads)
	case c.keys < 1 || c.keys > 1<<26:
		return fmt.Errorf("--keys must be in [1, %d], got %d", 1<<26, c.keys)
	case c.keySize-1 < len(strconv.Itoa(c.keys-1)) || c.keySize > 1024:
		// Longer numbers would be truncated into duplicate keys.
		return fmt.Errorf("--key_size must be in [%d, 1024] for %d keys, got %d",
			len(strconv.Itoa(c.keys-1))+1, c.keys, c.keySize)
	case !(c.zipf > 0 && c.zipf < 10):
		return fmt.Errorf("--zipf must be in (0, 10), got %v", c.zipf)
	case c.valueSize < 1 || c.valueSize > 1<<20:
		return fmt.Errorf("--value_size must be in [1, %d], got %d", 1<<20, c.valueSize)
	case c.duration <= 0 || c.duration > time.Hour:
		return fmt.Errorf("--duration must be in (0, 1h], got %v", c.duration)
	case c.cacheBytes < 0:
		return fmt.Errorf("--cache_bytes must not be negative, got %d", c.cacheBytes)
	}
	return nil
}

func main() {
	var cfg config
	// The public flags are also registered on a set of their own, so that
	// usage lists them without the hidden --child and so that the parent can
	// pass them all on to its nodes.
	public := flag.NewFlagSet("groupcache_cluster", flag.ExitOnError)
	cfg.register(public)
	all := flag.NewFlagSet("groupcache_cluster", flag.ExitOnError)
	cfg.register(all)
	child := all.Int("child", -1, "")
	all.Usage = func() {
		fmt.Fprintf(all.Output(), "Usage: groupcache_cluster [flags]\n")
		public.PrintDefaults()
	}
	all.Parse(os.Args[1:])
	if all.NArg() > 0 {
		fail(fmt.Errorf("unexpected arguments: %q", all.Args()))
	}
	if err := cfg.validate(); err != nil {
		fail(err)
	}
	if cfg.tlsDir != "" {
		abs, err := filepath.Abs(cfg.tlsDir)
		if err != nil {
			fail(err)
		}
		cfg.tlsDir = abs
	}

	if *child >= 0 {
		failPrefix = fmt.Sprintf("groupcache_cluster: node %d", *child)
		if err := runNode(&cfg, *child); err != nil {
			fail(err)
		}
		return
	}
	var args []string
	public.VisitAll(func(f *flag.Flag) {
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	if err := runParent(&cfg, args); err != nil {
		fail(err)
	}
}

// failPrefix starts every error message, and says which node a node's are
// from.
var failPrefix = "groupcache_cluster"

// fail reports err on stderr and exits with status 1.
func fail(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", failPrefix, err)
	os.Exit(1)
}
