package fetch_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// hostsServer serves /slow (held until release is closed) and /ok, and
// counts requests per Host header.
type hostsServer struct {
	*httptest.Server
	port    string
	release chan struct{}
	arrived chan struct{}
	running atomic.Int32
	most    atomic.Int32

	mu   sync.Mutex
	hits map[string]int
}

func newHostsServer(t *testing.T) *hostsServer {
	s := &hostsServer{release: make(chan struct{}), arrived: make(chan struct{}, 100), hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		n := s.running.Add(1)
		defer s.running.Add(-1)
		for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
		}
		s.arrived <- struct{}{}
		<-s.release
		io.WriteString(w, "slow")
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/to-c", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://c.example:"+s.port+"/ok", http.StatusFound)
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.Host+r.URL.Path]++
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	_, s.port, _ = net.SplitHostPort(s.Listener.Addr().String())
	t.Cleanup(s.Close)
	return s
}

func (s *hostsServer) url(host, path string) string {
	return "http://" + net.JoinHostPort(host, s.port) + path
}

func (s *hostsServer) hitsOf(host, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[net.JoinHostPort(host, s.port)+path]
}

func hostsNet(t *testing.T) *testNet {
	n := newTestNet(t)
	for _, h := range []string{"a.example", "b.example", "c.example", "d.example"} {
		n.name(h, "127.0.0.1")
	}
	return n
}

func TestPerHostConcurrencyCap(t *testing.T) {
	const slots, gets = 2, 6
	srv := newHostsServer(t)
	c := newClientOn(t, hostsNet(t), fetch.Options{Allow: loopback, PerHostConcurrency: slots})
	defer c.CloseIdleConnections()
	ctx := context.Background()

	errs := make(chan error, gets)
	for range gets {
		go func() {
			_, err := c.Get(ctx, fetch.Request{URL: srv.url("a.example", "/slow")})
			errs <- err
		}()
	}
	// With a broken cap nobody would queue, and this would time out.
	watchtest.WaitFor(t, "two Gets running and four queued", 5*time.Second, func() bool {
		s := c.Stats()
		return s.InFlight == slots && s.Waiting == gets-slots
	})
	for range slots {
		<-srv.arrived
	}
	if got := srv.running.Load(); got != slots {
		t.Fatalf("%d requests at the server, want %d", got, slots)
	}

	// A queue at one host holds up no other host.
	if resp, err := c.Get(ctx, fetch.Request{URL: srv.url("b.example", "/ok")}); err != nil || string(resp.Body) != "ok" {
		t.Fatalf("Get on another host while a.example is full: %v", err)
	}

	close(srv.release)
	for range gets {
		if err := <-errs; err != nil {
			t.Errorf("Get: %v", err)
		}
	}
	if got := srv.most.Load(); got != slots {
		t.Errorf("the server saw up to %d at once, want %d", got, slots)
	}
	if s := c.Stats(); s.MaxPerHost != slots || s.InFlight != 0 || s.Waiting != 0 {
		t.Errorf("stats %+v, want MaxPerHost %d and nothing left", s, slots)
	}
}

func TestPerHostRateLimit(t *testing.T) {
	srv := newHostsServer(t)
	// One request an hour, so any second request has to wait.
	c := newClientOn(t, hostsNet(t), fetch.Options{Allow: loopback, Timeout: 5 * time.Second,
		PerHostRate: rate.Every(time.Hour), PerHostBurst: 1})
	defer c.CloseIdleConnections()
	ctx := context.Background()
	get := func(ctx context.Context, host, path string) error {
		_, err := c.Get(ctx, fetch.Request{URL: srv.url(host, path)})
		return err
	}

	if err := get(ctx, "a.example", "/ok"); err != nil {
		t.Fatalf("first Get: %v", err)
	}

	t.Run("a wait past the caller's deadline gives up at once", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		err := get(dctx, "a.example", "/ok")
		// The caller's deadline, not the host's fault: no class.
		if !errors.Is(err, context.DeadlineExceeded) || fetch.ClassOf(err) != "" {
			t.Fatalf("err = %v (class %q), want the deadline and no class", err, fetch.ClassOf(err))
		}
	})

	t.Run("the wait ends when the caller cancels", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		errs := make(chan error, 1)
		go func() { errs <- get(cctx, "a.example", "/ok") }()
		watchtest.WaitFor(t, "the Get to wait for a token", 5*time.Second, func() bool { return c.Stats().Waiting == 1 })
		cancel()
		if err := <-errs; !errors.Is(err, context.Canceled) || fetch.ClassOf(err) != "" {
			t.Fatalf("err = %v (class %q), want context.Canceled and no class", err, fetch.ClassOf(err))
		}
	})

	t.Run("hosts have a limit each", func(t *testing.T) {
		if err := get(ctx, "b.example", "/ok"); err != nil {
			t.Fatalf("Get on another host: %v", err)
		}
	})

	t.Run("a redirect hop takes a token of its target host", func(t *testing.T) {
		if err := get(ctx, "c.example", "/ok"); err != nil {
			t.Fatal(err)
		}
		// d.example has its token; the hop to c.example would wait an hour.
		err := get(ctx, "d.example", "/to-c")
		if fetch.ClassOf(err) != fetch.ClassTimeout {
			t.Fatalf("err = %v, want class timeout", err)
		}
	})

	if got := srv.hitsOf("a.example", "/ok"); got != 1 {
		t.Errorf("a.example got %d requests, want 1", got)
	}
	if got := srv.hitsOf("c.example", "/ok"); got != 1 {
		t.Errorf("c.example got %d requests, want 1", got)
	}
	if s := c.Stats(); s.InFlight != 0 || s.Waiting != 0 {
		t.Errorf("stats %+v, want nothing left", s)
	}
}

// A host named in Options.Hosts gets its own cap and rate; the others keep
// the defaults.
func TestPerHostOverrides(t *testing.T) {
	srv := newHostsServer(t)
	c := newClientOn(t, hostsNet(t), fetch.Options{Allow: loopback, Timeout: 5 * time.Second,
		PerHostConcurrency: 1, PerHostRate: rate.Every(time.Hour), PerHostBurst: 1,
		Hosts: map[string]fetch.HostLimit{"A.Example.": {Concurrency: 3, Rate: rate.Inf}}})
	defer c.CloseIdleConnections()
	ctx := context.Background()

	// a.example: three at once, and no rate limit.
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := c.Get(ctx, fetch.Request{URL: srv.url("a.example", "/slow")})
			errs <- err
		}()
	}
	for range 3 {
		<-srv.arrived
	}
	close(srv.release)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatalf("Get on a.example: %v", err)
		}
	}
	if s := c.Stats(); s.MaxPerHost != 3 {
		t.Errorf("MaxPerHost = %d, want a.example's own cap 3", s.MaxPerHost)
	}

	// b.example: the defaults, one request an hour.
	if _, err := c.Get(ctx, fetch.Request{URL: srv.url("b.example", "/ok")}); err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := c.Get(dctx, fetch.Request{URL: srv.url("b.example", "/ok")}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Get on b.example: %v, want a wait past the deadline", err)
	}

	if _, err := fetch.New(fetch.Options{UserAgent: "x", Hosts: map[string]fetch.HostLimit{"x.example": {Burst: -1}}}); err == nil {
		t.Error("a negative burst for a host was accepted")
	}
}
