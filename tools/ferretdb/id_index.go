package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// FerretDB v1's SQLite backend creates each collection's unique `_id` index on the expression
// `_ferretdb_sjson->"_id"` but pushes a read or delete by `_id` down as
// `WHERE _ferretdb_sjson->'$._id' = ?`. SQLite only uses an expression index for the very same
// expression, so every read and delete by `_id` scanned the whole table (10 ms of CPU per
// findOne at 3,000 documents, growing with the table). idIndexer adds, to every collection
// table, a plain index on the expression the queries use: reads by `_id` become index lookups.
// FerretDB does not know of these indexes and needs not: they go when it drops a table.
type idIndexer struct {
	dir    string
	logger *slog.Logger
	dbs    map[string]*sql.DB
	seen   map[string]string // file → size and modification times when last indexed
}

const idIndexSuffix = "_atiende_id_read"

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, dbs: map[string]*sql.DB{}, seen: map[string]string{}}
}

// readIndexer adds the read index for `_id` to the tables that lack it, one backend's way.
type readIndexer interface {
	pass(ctx context.Context)
	close()
}

// keepIndexing indexes the tables there are, then new ones as they appear, until ctx ends.
func keepIndexing(ctx context.Context, x readIndexer, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	defer x.close()
	for {
		x.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (x *idIndexer) close() {
	for _, db := range x.dbs {
		_ = db.Close()
	}
}

// pass indexes, in every database file that changed since the last pass, the tables that lack
// the read index.
func (x *idIndexer) pass(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return
	}
	for _, file := range files {
		stamp := fileStamp(file) + fileStamp(file+"-wal")
		if x.seen[file] == stamp {
			continue
		}
		if err := x.indexFile(ctx, file); err != nil {
			x.logger.Warn("read index for _id not created", slog.String("file", file), slog.Any("error", err))
			continue
		}
		x.seen[file] = stamp
	}
}

func fileStamp(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return "-"
	}
	return fmt.Sprintf("%d@%d;", info.Size(), info.ModTime().UnixNano())
}

func (x *idIndexer) indexFile(ctx context.Context, file string) error {
	db, ok := x.dbs[file]
	if !ok {
		var err error
		db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
		if err != nil {
			return err
		}
		db.SetMaxOpenConns(1)
		x.dbs[file] = db
	}
	rows, err := db.QueryContext(ctx, `
		SELECT c.table_name FROM _ferretdb_collections AS c
		WHERE NOT EXISTS (
			SELECT 1 FROM sqlite_master AS m WHERE m.type = 'index' AND m.name = c.table_name || ?
		)`, idIndexSuffix)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database FerretDB has not set up yet
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil && !strings.Contains(err.Error(), "no such table") {
			return err
		}
	}
	return nil
}
