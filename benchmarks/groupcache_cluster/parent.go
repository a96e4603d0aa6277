package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	// stepTimeout bounds each step of the protocol but the workload itself:
	// starting and reporting an address, setting the peers, reporting stats.
	stepTimeout = 30 * time.Second
	// startDelay is how far ahead the parent sets the common start time, so
	// that every node has it before it comes.
	startDelay = 200 * time.Millisecond
	// exitTimeout bounds the wait for a node to exit, on its own after
	// reporting or once killed.
	exitTimeout = 10 * time.Second
)

// runParent runs the cluster: it starts cfg.nodes nodes (this program again,
// with args and --child), takes them through the protocol described in the
// package comment, and prints the report. Whatever happens, it leaves no node
// running.
func runParent(cfg *config, args []string) error {
	if cfg.tlsDir != "" {
		// The nodes would fail the same way, less readably.
		if _, _, err := loadTLS(cfg.tlsDir); err != nil {
			return err
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSignals()

	c := &cluster{ctx: ctx, exits: make(chan *node, cfg.nodes), quit: make(chan struct{})}
	defer c.shutdown()
	for i := 0; i < cfg.nodes; i++ {
		if err := c.start(exe, append(args, "--child="+strconv.Itoa(i))); err != nil {
			return err
		}
	}

	urls := make([]string, cfg.nodes)
	for i, n := range c.nodes {
		if urls[i], err = c.expect(n, "addr", stepTimeout); err != nil {
			return err
		}
	}
	if err := c.broadcast("peers " + strings.Join(urls, " ")); err != nil {
		return err
	}
	if err := c.expectAll("ready", stepTimeout); err != nil {
		return err
	}
	start := time.Now().Add(startDelay)
	if err := c.broadcast("go " + strconv.FormatInt(start.UnixNano(), 10)); err != nil {
		return err
	}
	if err := c.expectAll("finished", startDelay+cfg.duration+stepTimeout); err != nil {
		return err
	}
	// From here on, nodes exit on their own once they have reported.
	for _, n := range c.nodes {
		n.stopped = true
	}
	if err := c.broadcast("stop"); err != nil {
		return err
	}
	stats := make([]nodeStats, cfg.nodes)
	for i, n := range c.nodes {
		encoded, err := c.expect(n, "stats", stepTimeout)
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(encoded), &stats[i]); err != nil {
			return fmt.Errorf("node %d: bad stats: %v", i, err)
		}
	}
	for _, n := range c.nodes {
		select {
		case <-n.exited:
			if n.waitErr != nil {
				return fmt.Errorf("node %d: exited after reporting: %v", n.index, n.waitErr)
			}
		case <-time.After(exitTimeout):
			return fmt.Errorf("node %d: still running %v after reporting", n.index, exitTimeout)
		}
	}
	return printReport(os.Stdout, cfg, stats)
}

// printReport prints the cluster-wide results as name=value lines, the same
// names and order as gogocache's cluster demo prints.
func printReport(w io.Writer, cfg *config, stats []nodeStats) error {
	var gets, groupGets, cacheHits, loads, peerLoads, peerErrors, hotHits, served int64
	var seconds float64
	requested := newBitmap(cfg.keys)
	fetches := newHistogram()
	for _, s := range stats {
		if len(s.Requested) != len(requested) || len(s.PeerFetch.Buckets) != numBuckets {
			return fmt.Errorf("node stats of the wrong shape")
		}
		gets += int64(s.Gets)
		if s.Seconds > seconds {
			seconds = s.Seconds
		}
		groupGets += s.Group.Gets
		cacheHits += s.Group.CacheHits
		loads += s.GetterLoads
		peerLoads += s.Group.PeerLoads
		peerErrors += s.Group.PeerErrors
		hotHits += s.HotHits
		served += s.Group.ServerRequests
		requested.union(s.Requested)
		fetches.merge(s.PeerFetch)
	}
	tls := "off"
	if cfg.tlsDir != "" {
		tls = "on"
	}
	_, err := fmt.Fprintf(w, `system=groupcache
nodes=%d
threads_per_node=%d
seconds=%.2f
tls=%s
gets=%d
gets_per_second=%.2f
hit_ratio=%.4f
loads=%d
distinct_keys=%d
peer_fetches=%d
peer_errors=%d
peer_fetch_p50_us=%.2f
peer_fetch_p99_us=%.2f
hot_hits=%d
served_for_peers=%d
`,
		cfg.nodes, cfg.threads, seconds, tls,
		gets, ratio(float64(gets), seconds),
		ratio(float64(cacheHits), float64(groupGets)),
		loads, requested.count(),
		peerLoads+peerErrors, peerErrors,
		float64(fetches.percentile(0.50))/1e3, float64(fetches.percentile(0.99))/1e3,
		hotHits, served)
	return err
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// cluster is the parent's view of its nodes.
type cluster struct {
	ctx   context.Context // done when the parent is interrupted
	nodes []*node
	// exits receives each node once it has exited.
	exits chan *node
	// quit, once closed, tells the goroutines reading the nodes' output
	// that nobody is listening any more.
	quit chan struct{}
}

// node is one node process and the messages it has sent.
type node struct {
	index int
	cmd   *exec.Cmd
	stdin io.WriteCloser
	// lines carries the node's messages, and is closed once it has exited;
	// then waitErr is how it ended.
	lines   chan string
	exited  chan struct{}
	waitErr error
	// stopped is set once the node has been told to report and exit.
	stopped bool
}

// start starts one more node, exe with args.
func (c *cluster) start(exe string, args []string) error {
	n := &node{
		index:  len(c.nodes),
		cmd:    exec.Command(exe, args...),
		lines:  make(chan string),
		exited: make(chan struct{}),
	}
	n.cmd.Stderr = os.Stderr
	stdout, err := n.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if n.stdin, err = n.cmd.StdinPipe(); err != nil {
		return err
	}
	if err := n.cmd.Start(); err != nil {
		return fmt.Errorf("node %d: starting %s: %v", n.index, exe, err)
	}
	c.nodes = append(c.nodes, n)
	go func() {
		scanner := bufio.NewScanner(stdout)
		scanner.Buffer(nil, 64<<20) // Room for the stats.
		for scanner.Scan() {
			select {
			case n.lines <- scanner.Text():
			case <-c.quit:
			}
		}
		// Wait must come after the last read from stdout.
		io.Copy(io.Discard, stdout)
		n.waitErr = n.cmd.Wait()
		close(n.lines)
		close(n.exited)
		c.exits <- n
	}()
	return nil
}

// expect waits up to timeout for node n's next message, which must be
// command, and returns its argument. It fails at once if any node exits
// before it has been told to stop.
func (c *cluster) expect(n *node, command string, timeout time.Duration) (string, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case line, ok := <-n.lines:
			if !ok {
				return "", fmt.Errorf("node %d: exited (%v) instead of reporting %q", n.index, describeExit(n.waitErr), command)
			}
			name, arg, _ := strings.Cut(line, " ")
			if name != command {
				return "", fmt.Errorf("node %d: expected %q, got %.100q", n.index, command, line)
			}
			return arg, nil
		case other := <-c.exits:
			if !other.stopped {
				return "", fmt.Errorf("node %d: exited (%v) while the parent waited for node %d's %q",
					other.index, describeExit(other.waitErr), n.index, command)
			}
		case <-timer.C:
			return "", fmt.Errorf("node %d: no %q within %v", n.index, command, timeout)
		case <-c.ctx.Done():
			return "", fmt.Errorf("interrupted while waiting for node %d's %q", n.index, command)
		}
	}
}

// expectAll waits for every node's command, all within timeout.
func (c *cluster) expectAll(command string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, n := range c.nodes {
		if _, err := c.expect(n, command, time.Until(deadline)); err != nil {
			return err
		}
	}
	return nil
}

// broadcast sends one message line to every node.
func (c *cluster) broadcast(line string) error {
	for _, n := range c.nodes {
		if _, err := io.WriteString(n.stdin, line+"\n"); err != nil {
			return fmt.Errorf("node %d: sending %q: %v", n.index, strings.Fields(line)[0], err)
		}
	}
	return nil
}

// shutdown kills every node still running and waits for it, so that none
// outlives the parent, whichever way the run ended.
func (c *cluster) shutdown() {
	close(c.quit)
	for _, n := range c.nodes {
		select {
		case <-n.exited:
		default:
			n.cmd.Process.Kill()
		}
	}
	for _, n := range c.nodes {
		n.stdin.Close()
		select {
		case <-n.exited:
		case <-time.After(exitTimeout):
			fmt.Fprintf(os.Stderr, "groupcache_cluster: node %d (pid %d) did not exit when killed\n", n.index, n.cmd.Process.Pid)
		}
	}
}

// describeExit says how a node process ended.
func describeExit(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}
