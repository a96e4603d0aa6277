package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang/groupcache"
)

// nodeTimeout bounds a node's wait for the parent's next message. The parent
// gives up on its nodes sooner, so this only matters if it is wedged.
const nodeTimeout = 2 * time.Minute

// nodeStats is what a node reports to the parent, as JSON.
type nodeStats struct {
	Gets           uint64  // Gets made by this node's client goroutines
	Seconds        float64 // how long they ran
	GetterLoads    int64   // calls of the getter
	DistinctLoaded int     // distinct keys the getter was called for
	Requested      bitmap  // the keys this node's client goroutines asked for
	Group          groupStats
	HotHits        int64
	PeerFetch      histogram // peer fetch latencies, in nanoseconds
}

// groupStats is a copy of groupcache.Stats in plain integers.
type groupStats struct {
	Gets, CacheHits, PeerLoads, PeerErrors, Loads, LoadsDeduped int64
	LocalLoads, LocalLoadErrs, ServerRequests                   int64
}

// runNode is a node's side of the protocol described in the package comment.
func runNode(cfg *config, index int) error {
	// Everything random is drawn before the node says it is serving, so no
	// node is still drawing when the workload starts.
	w := newWorkload(cfg.keys, cfg.keySize, cfg.zipf)
	sequences := make([][]uint32, cfg.threads)
	for t := range sequences {
		sequences[t] = w.accesses(accessesPerThread, threadSeed(index, t))
	}

	var serverTLS, clientTLS *tls.Config
	scheme := "http"
	if cfg.tlsDir != "" {
		var err error
		if serverTLS, clientTLS, err = loadTLS(cfg.tlsDir); err != nil {
			return err
		}
		scheme = "https"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	self := scheme + "://" + ln.Addr().String()

	pool := groupcache.NewHTTPPoolOpts(self, &groupcache.HTTPPoolOptions{})
	fetches := &latencies{h: newHistogram()}
	transport := timingTransport{base: newTransport(clientTLS), latencies: fetches}
	// Set copies Transport into each peer's getter, so it comes first.
	pool.Transport = func(context.Context) http.RoundTripper { return transport }
	getter := &getter{cfg: cfg, loaded: newBitmap(cfg.keys)}
	group := groupcache.NewGroup("bench", cfg.cacheBytes, getter)

	mux := http.NewServeMux()
	mux.Handle("/_groupcache/", pool)
	srv := &http.Server{
		Handler:           mux,
		TLSConfig:         serverTLS,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(os.Stderr, failPrefix+": ", 0),
		// HTTP/1.1 only, as the nodes' clients speak, also under TLS.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	go func() {
		// The server runs until the process exits, so any return is an error.
		var serveErr error
		if serverTLS != nil {
			serveErr = srv.ServeTLS(ln, "", "")
		} else {
			serveErr = srv.Serve(ln)
		}
		fail(fmt.Errorf("serving: %v", serveErr))
	}()

	parent := newParentLink()
	parent.send("addr " + self)
	peers, err := parent.expect("peers")
	if err != nil {
		return err
	}
	urls := strings.Fields(peers)
	if !contains(urls, self) {
		return fmt.Errorf("this node (%s) is not among its peers %q", self, urls)
	}
	if err := checkPeers(urls, self, clientTLS); err != nil {
		return err
	}
	pool.Set(urls...)
	parent.send("ready")

	startArg, err := parent.expect("go")
	if err != nil {
		return err
	}
	startNanos, err := strconv.ParseInt(startArg, 10, 64)
	if err != nil {
		return fmt.Errorf("bad start time %q: %v", startArg, err)
	}
	time.Sleep(time.Until(time.Unix(0, startNanos)))
	gets, elapsed, requested, err := runClients(group, w, sequences, cfg)
	if err != nil {
		return err
	}
	parent.send("finished")

	// Peers may still be fetching from this node until the parent says stop.
	if _, err := parent.expect("stop"); err != nil {
		return err
	}
	stats := nodeStats{
		Gets:           gets,
		Seconds:        elapsed.Seconds(),
		GetterLoads:    getter.calls.Load(),
		DistinctLoaded: getter.distinctLoaded(),
		Requested:      requested,
		Group: groupStats{
			Gets:           group.Stats.Gets.Get(),
			CacheHits:      group.Stats.CacheHits.Get(),
			PeerLoads:      group.Stats.PeerLoads.Get(),
			PeerErrors:     group.Stats.PeerErrors.Get(),
			Loads:          group.Stats.Loads.Get(),
			LoadsDeduped:   group.Stats.LoadsDeduped.Get(),
			LocalLoads:     group.Stats.LocalLoads.Get(),
			LocalLoadErrs:  group.Stats.LocalLoadErrs.Get(),
			ServerRequests: group.Stats.ServerRequests.Get(),
		},
		HotHits:   group.CacheStats(groupcache.HotCache).Hits,
		PeerFetch: fetches.snapshot(),
	}
	encoded, err := json.Marshal(stats)
	if err != nil {
		return err
	}
	parent.send("stats " + string(encoded))
	return nil
}

// runClients runs one client goroutine per access sequence for
// cfg.duration, each calling Get on the keys of its sequence in turn. It
// returns how many Gets they made, how long they ran and which keys they
// asked for, or the first error a Get returned.
func runClients(group *groupcache.Group, w *workload, sequences [][]uint32, cfg *config) (uint64, time.Duration, bitmap, error) {
	var stop atomic.Bool
	counts := make([]int, len(sequences))
	errs := make([]error, len(sequences))
	var wg sync.WaitGroup
	start := time.Now()
	for t, sequence := range sequences {
		wg.Add(1)
		go func(t int, sequence []uint32) {
			defer wg.Done()
			ctx := context.Background()
			var value []byte
			n := 0
			for ; !stop.Load(); n++ {
				key := w.keys[sequence[n&(accessesPerThread-1)]]
				if err := group.Get(ctx, key, groupcache.AllocatingByteSliceSink(&value)); err != nil {
					errs[t] = fmt.Errorf("Get(%q): %v", key, err)
					break
				}
				if !isValueOf(value, key, cfg.valueSize) {
					errs[t] = fmt.Errorf("Get(%q) returned %q, not the key repeated to %d bytes", key, value, cfg.valueSize)
					break
				}
			}
			counts[t] = n
			if errs[t] != nil {
				stop.Store(true)
			}
		}(t, sequence)
	}
	timer := time.AfterFunc(cfg.duration, func() { stop.Store(true) })
	wg.Wait()
	elapsed := time.Since(start)
	timer.Stop()
	for _, err := range errs {
		if err != nil {
			return 0, 0, nil, err
		}
	}

	var gets uint64
	requested := newBitmap(cfg.keys)
	for t, n := range counts {
		gets += uint64(n)
		if n > accessesPerThread {
			n = accessesPerThread
		}
		for _, k := range sequences[t][:n] {
			requested.set(k)
		}
	}
	return gets, elapsed, requested, nil
}

// getter is the group's source of values: it returns at once the key
// repeated to value_size bytes, and keeps count of its calls and of the
// distinct keys they asked for.
type getter struct {
	cfg   *config
	calls atomic.Int64

	mu     sync.Mutex
	loaded bitmap
}

func (g *getter) Get(_ context.Context, key string, dest groupcache.Sink) error {
	g.calls.Add(1)
	i := keyIndex(key, g.cfg.keys, g.cfg.keySize)
	if i < 0 {
		return fmt.Errorf("no such key: %q", key)
	}
	g.mu.Lock()
	g.loaded.set(uint32(i))
	g.mu.Unlock()
	return dest.SetBytes(valueOf(key, g.cfg.valueSize))
}

func (g *getter) distinctLoaded() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.loaded.count()
}

// valueOf is the value of key: the key repeated to size bytes.
func valueOf(key string, size int) []byte {
	value := make([]byte, size)
	for i := range value {
		value[i] = key[i%len(key)]
	}
	return value
}

// isValueOf checks value cheaply against valueOf(key, size): its size and
// its first bytes.
func isValueOf(value []byte, key string, size int) bool {
	n := len(key)
	if size < n {
		n = size
	}
	return len(value) == size && string(value[:n]) == key[:n]
}

// loadTLS reads the certificates of --tls_dir: the node's own (for serving
// and as client certificate) and the CA that must have signed every peer's.
func loadTLS(dir string) (server, client *tls.Config, err error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "node.pem"), filepath.Join(dir, "node.key"))
	if err != nil {
		return nil, nil, fmt.Errorf("loading the node certificate: %v", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		return nil, nil, fmt.Errorf("loading the CA certificate: %v", err)
	}
	cas := x509.NewCertPool()
	if !cas.AppendCertsFromPEM(caPEM) {
		return nil, nil, fmt.Errorf("no certificate in %s", filepath.Join(dir, "ca.pem"))
	}
	server = &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    cas,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	}
	client = &tls.Config{
		Certificates: []tls.Certificate{cert},
		RootCAs:      cas,
		MinVersion:   tls.VersionTLS12,
	}
	return server, client, nil
}

// newTransport is the HTTP client transport to the peers (over TLS when
// tlsConfig is not nil). It keeps up to 64 idle connections per peer instead
// of the default 2, so that concurrent fetches reuse connections rather than
// open new ones, and it bounds each step so a stuck peer fails a fetch
// instead of hanging it.
func newTransport(tlsConfig *tls.Config) *http.Transport {
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
	}
}

// checkPeers makes sure this node can reach every peer (and, under TLS, that
// they accept each other's certificates) before the workload starts, since
// groupcache would otherwise hide failed peer fetches by loading locally. It
// asks each peer for a group that does not exist, which the peer answers with
// 404 without touching its statistics, over a transport of its own, so the
// benchmark's transport starts with no connection open.
func checkPeers(urls []string, self string, tlsConfig *tls.Config) error {
	transport := newTransport(tlsConfig)
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	for _, peer := range urls {
		if peer == self {
			continue
		}
		res, err := client.Get(peer + "/_groupcache/no-such-group/check")
		if err != nil {
			return fmt.Errorf("cannot reach peer %s: %v", peer, err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			return fmt.Errorf("peer %s answered a check with %s, not 404 Not Found", peer, res.Status)
		}
	}
	return nil
}

// parentLink is a node's end of the line protocol with the parent: its
// stdin and stdout.
type parentLink struct {
	lines chan string
}

// newParentLink starts reading the parent's messages. The node exits when
// its stdin closes: the parent is gone or has given up on the run.
func newParentLink() *parentLink {
	p := &parentLink{lines: make(chan string)}
	go func() {
		scanner := bufio.NewScanner(os.Stdin)
		for scanner.Scan() {
			p.lines <- scanner.Text()
		}
		fail(errors.New("the parent closed this node's stdin; exiting"))
	}()
	return p
}

// send writes one message line to the parent; a failure to write means the
// parent is gone, so the node exits.
func (p *parentLink) send(line string) {
	if _, err := os.Stdout.WriteString(line + "\n"); err != nil {
		fail(fmt.Errorf("writing to the parent: %v", err))
	}
}

// expect waits for the parent's next message, which must be command, and
// returns its argument.
func (p *parentLink) expect(command string) (string, error) {
	select {
	case line := <-p.lines:
		name, arg, _ := strings.Cut(line, " ")
		if name != command {
			return "", fmt.Errorf("expected %q from the parent, got %q", command, line)
		}
		return arg, nil
	case <-time.After(nodeTimeout):
		return "", fmt.Errorf("no %q from the parent in %v", command, nodeTimeout)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
