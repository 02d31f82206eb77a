package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/watchroom/watchroom/cmd/watchroom/app"
	"github.com/watchroom/watchroom/config"
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
		feed *app.DemoFeed
		hint string
	)
	if *demo {
		var err error
		feed, err = app.StartDemoFeed(time.Now, 8*time.Second)
		if err != nil {
			fmt.Fprintf(stderr, "watchroom: %v\n", err)
			return 1
		}
		defer feed.Close(context.Background())
		f, err = config.Parse("demo.yaml", config.Demo, app.DemoOptions(feed.URL(), time.Now()))
		if err != nil {
			printProblems(stderr, err)
			return 2
		}
		id, hint = "built-in demo scenario", app.DemoHint
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
		id = app.FileID(*path, data)
	}
	a, err := app.New(ctx, f, logger, app.Options{Demo: hint, ConfigID: id})
	if err != nil {
		fmt.Fprintf(stderr, "watchroom: %v\n", err)
		return 1
	}
	if err := a.GuardDemo(ctx, *demo); err != nil {
		fmt.Fprintf(stderr, "watchroom: %v\n", err)
		a.Stop(context.Background())
		return 1
	}
	web, err := a.Listen(f.Server.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom: %v\n", err)
		a.Stop(context.Background())
		return 1
	}
	if err := a.Start(ctx); err != nil {
		fmt.Fprintf(stderr, "watchroom: %v\n", err)
		web.Close()
		a.Stop(context.Background())
		return 1
	}
	errc := make(chan error, 1)
	go func() { errc <- web.Serve() }()
	url := web.URL()
	logger.Info("watchroom is up", "browse", url, "data", f.Server.DataDir)
	if p := f.Server.TLSProxy; p != "" {
		logger.Info("behind a TLS proxy: cookies are Secure; Strict-Transport-Security is the proxy's to send", "tls_proxy", p)
	}
	if *demo {
		logger.Info("demo mode: " + app.DemoHint)
		fmt.Fprintf(stdout, "\n  Browse %s and %s\n\n", url, app.DemoHint)
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil {
			logger.Error("server stopped", "err", err)
		}
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a.Hub().CloseAll()
	_ = web.Shutdown(sctx)
	if err := a.Stop(sctx); err != nil {
		logger.Error("close", "err", err)
		return 1
	}
	return 0
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
