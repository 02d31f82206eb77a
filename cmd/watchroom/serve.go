package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

const (
	demoPassword = "watchroom-demo"
	demoHint     = "sign in as demo-officer (or demo-viewer, demo-analyst) with password " + demoPassword +
		". These accounts exist only in demo mode; the posts are fictional and served by watchroom itself."
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file")
	demo := fs.Bool("demo", false, "run the built-in demo scenario (no internet needed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if *path == "" && !*demo {
		fmt.Fprintln(stderr, "watchroom serve: give --config FILE, or --demo for the built-in scenario")
		return 2
	}
	var (
		f    *config.File
		id   string
		feed *demoFeed
		hint string
	)
	if *demo {
		var err error
		feed, err = startDemoFeed(time.Now, 8*time.Second)
		if err != nil {
			fmt.Fprintf(stderr, "watchroom: %v\n", err)
			return 1
		}
		defer feed.Close(context.Background())
		f, err = config.Parse("demo.yaml", config.Demo, demoOptions(feed.url, time.Now()))
		if err != nil {
			printProblems(stderr, err)
			return 2
		}
		id, hint = "built-in demo scenario", demoHint
	} else {
		data, err := os.ReadFile(*path)
		if err != nil {
			fmt.Fprintf(stderr, "watchroom: %v\n", err)
			return 2
		}
		var ok bool
		if f, ok = loadConfig(*path, stderr); !ok {
			fmt.Fprintln(stderr, "watchroom serve: refusing to start on a bad config")
			return 2
		}
		id = fileID(*path, data)
	}
	a, err := newApp(ctx, f, logger, appOptions{Demo: hint, ConfigID: id})
	if err != nil {
		fmt.Fprintf(stderr, "watchroom: %v\n", err)
		return 1
	}
	if err := guardDemo(ctx, a, *demo); err != nil {
		fmt.Fprintf(stderr, "watchroom: %v\n", err)
		a.close(context.Background())
		return 1
	}
	ln, err := net.Listen("tcp", f.Server.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom: listen on %s: %v\n", f.Server.Listen, err)
		a.close(context.Background())
		return 1
	}
	srv := &http.Server{Handler: a.handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	a.start(ctx)
	scheme := "http"
	errc := make(chan error, 1)
	go func() {
		if f.Server.TLSCert != "" {
			scheme = "https"
			errc <- srv.ServeTLS(ln, f.Server.TLSCert, f.Server.TLSKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
	url := fmt.Sprintf("%s://%s/", scheme, ln.Addr())
	logger.Info("watchroom is up", "browse", url, "data", f.Server.DataDir)
	if *demo {
		logger.Info("demo mode: " + demoHint)
		fmt.Fprintf(stdout, "\n  Browse %s and %s\n\n", url, demoHint)
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("server stopped", "err", err)
		}
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a.hub.CloseAll()
	_ = srv.Shutdown(sctx)
	if err := a.close(sctx); err != nil {
		logger.Error("close", "err", err)
		return 1
	}
	return 0
}

// demoOptions fills the demo config's variables: the loopback feed, a data
// folder of its own, and operations placed around now so phases move.
func demoOptions(feedURL string, now time.Time) config.Options {
	o := configOptions()
	dataDir := os.Getenv("WATCHROOM_DEMO_DATA")
	if dataDir == "" {
		dataDir = filepath.Join("data", "demo")
	}
	listen := os.Getenv("WATCHROOM_LISTEN")
	if listen == "" {
		listen = "127.0.0.1:8080"
	}
	t := func(d time.Duration) string { return now.Add(d).UTC().Format(time.RFC3339) }
	o.Vars = map[string]string{
		"DEMO_FEED_URL": feedURL, "DATA_DIR": dataDir, "LISTEN": listen,
		"OP_START": t(3 * time.Hour), "OP_END": t(9 * time.Hour),
		"OP2_START": t(-1 * time.Hour), "OP2_END": t(5 * time.Hour),
	}
	return o
}

// guardDemo keeps the demo's well-known accounts in demo databases only: a
// demo run marks its database, and a real run refuses a marked database.
func guardDemo(ctx context.Context, a *app, demo bool) error {
	mode, err := a.store.Meta(ctx, "mode")
	if err != nil {
		return err
	}
	if !demo {
		if mode == "demo" {
			return fmt.Errorf("the database in %s was made by the demo and has its well-known accounts; give this config another data_dir", a.cfg.Server.DataDir)
		}
		return nil
	}
	if mode == "" {
		users, err := a.store.Users(ctx)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return fmt.Errorf("the database in %s is not a demo database; the demo will not add its accounts to it", a.cfg.Server.DataDir)
		}
		if err := a.store.SetMeta(ctx, "mode", "demo"); err != nil {
			return err
		}
	}
	return ensureDemoUsers(ctx, a.store)
}

func ensureDemoUsers(ctx context.Context, st *store.Store) error {
	hash, err := ui.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	for name, role := range map[string]watch.Role{"demo-officer": watch.RoleOfficer, "demo-viewer": watch.RoleViewer, "demo-analyst": watch.RoleAnalyst} {
		_, err := st.CreateUser(ctx, watch.User{Name: name, Role: role, PasswordHash: hash}, "demo")
		if err != nil && !errors.Is(err, store.ErrExists) {
			return err
		}
	}
	return nil
}

func printProblems(w io.Writer, err error) {
	var probs config.Problems
	if errors.As(err, &probs) {
		for _, p := range probs {
			fmt.Fprintln(w, p.String())
		}
		return
	}
	fmt.Fprintf(w, "watchroom: %v\n", err)
}
