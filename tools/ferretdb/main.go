// Command ferretdb-embedded runs FerretDB v1 (Apache-2.0) with its SQLite backend as atiende's
// embedded MongoDB-compatible server, for `npm start` on defaults and for the test suite.
//
// Usage: ferretdb-embedded <listen-address> <data-directory>
// (FERRETDB_POSTGRESQL_URL set: the PostgreSQL backend instead of SQLite; FERRETDB_PPROF set:
// Go's profiler served on that address.)
//
// It exits when its standard input closes, so a parent process that dies (even by SIGKILL)
// never leaves an orphaned database server behind.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ferretdb-embedded <listen-address> <data-directory>")
		os.Exit(2)
	}
	addr, dir := os.Args[1], os.Args[2]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	level := slog.LevelWarn
	if os.Getenv("FERRETDB_DEBUG") != "" {
		level = slog.LevelDebug
	}
	text := slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	logger := slog.New(&lazyHandler{inner: text})
	tuneGarbageCollector(os.Getenv)

	// SQLite's synchronous setting. In WAL mode "normal" syncs the log at checkpoints, not at
	// every commit: a killed process loses nothing, a power cut may lose the last commits — what
	// MongoDB's default write concern (journal flushed every 100 ms) gives too. It cut the
	// benchmark's p99 from 158 to 63 ms here. FERRETDB_SQLITE_SYNCHRONOUS=full syncs every commit.
	synchronous := os.Getenv("FERRETDB_SQLITE_SYNCHRONOUS")
	if synchronous == "" {
		synchronous = "normal"
	}
	if synchronous != "normal" && synchronous != "full" {
		fmt.Fprintf(os.Stderr, "FERRETDB_SQLITE_SYNCHRONOUS must be normal or full, not %q\n", synchronous)
		os.Exit(2)
	}

	config := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/?_pragma=synchronous(" + synchronous + ")",
	}
	// The PostgreSQL backend, where SQLite's scans are too slow: the data directory is unused
	// (several atiende machines may share one server: see docs/SCALING.md).
	if pg := os.Getenv("FERRETDB_POSTGRESQL_URL"); pg != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = pg
	}
	f, err := ferretdb.New(config)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	// FERRETDB_PPROF=127.0.0.1:6060 serves Go's profiler there, to see where the database's CPU goes.
	if profiler := os.Getenv("FERRETDB_PPROF"); profiler != "" {
		go func() { _ = http.ListenAndServe(profiler, nil) }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()

	// Before serving: a data directory from an earlier run gets its read indexes first.
	var indexer readIndexer = newIDIndexer(dir, logger)
	if config.Handler == "postgresql" {
		indexer = newPGIDIndexer(config.PostgreSQLURL, logger)
	}
	indexer.pass(ctx)
	go keepIndexing(ctx, indexer, 200*time.Millisecond)

	f.Run(ctx)
}
