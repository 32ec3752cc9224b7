package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// FerretDB v1's PostgreSQL backend keeps each collection in a table of one `_jsonb` column (a
// schema per database, the collections listed in its `_ferretdb_database_metadata` table) with a
// unique B-tree index on `_jsonb->'_id'`. Deletes and updates use that index, but a read pushes
// `_id` down as `_jsonb->$1 @> $2` (containment), which a B-tree cannot answer: every findOne by
// `_id` read the whole table (a Seq Scan: 14 ms at 20,000 documents here). pgIDIndexer adds, to
// every collection table, a GIN index on `_jsonb->'_id'` that answers that containment, so a
// read by `_id` becomes an index lookup. It is the SQLite idIndexer's counterpart, found the same
// way (a pass over the catalog every fraction of a second) because FerretDB offers no hook at
// collection creation; FerretDB does not know of these indexes and needs not: they go when it
// drops a table.
type pgIDIndexer struct {
	url    string
	logger *slog.Logger
	conn   *pgx.Conn
	failed bool // the last pass failed: its error is logged once, not every pass
}

// pgIDIndexLock is the advisory lock one indexer holds during a pass: several atiende machines
// share one PostgreSQL server, and two concurrent builds of the same index would fail (or one
// would take the other's unfinished index for a broken one and drop it).
const pgIDIndexLock = 0x61746964 // "atid"

// pgConcurrentBytes is the table size from which an index is built CONCURRENTLY: a plain build
// blocks the table's writes while it runs (milliseconds on a new table, minutes on a large one
// that an upgrade finds without the index), a concurrent one waits for every older transaction
// of the database first.
const pgConcurrentBytes = 8 << 20

func newPGIDIndexer(url string, logger *slog.Logger) *pgIDIndexer {
	return &pgIDIndexer{url: url, logger: logger}
}

func (x *pgIDIndexer) close() {
	if x.conn != nil {
		_ = x.conn.Close(context.Background())
		x.conn = nil
	}
}

// pass indexes the collection tables that lack the read index.
func (x *pgIDIndexer) pass(ctx context.Context) {
	err := x.indexAll(ctx)
	if err != nil && ctx.Err() == nil {
		if !x.failed {
			x.logger.Warn("read index for _id not created (retrying)", slog.Any("error", err))
		}
		x.close() // a fresh connection next pass, in case this one is broken
	}
	x.failed = err != nil
}

func (x *pgIDIndexer) indexAll(ctx context.Context) error {
	if x.conn == nil {
		conn, err := pgx.Connect(ctx, x.url)
		if err != nil {
			return err
		}
		// Never queue for long behind a writer: a waiting index build blocks the writes after it.
		if _, err := conn.Exec(ctx, `SET lock_timeout = '2s'`); err != nil {
			_ = conn.Close(ctx)
			return err
		}
		x.conn = conn
	}
	var locked bool
	if err := x.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, pgIDIndexLock).Scan(&locked); err != nil {
		return err
	}
	if !locked {
		return nil // another process indexes
	}
	defer func() { _, _ = x.conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, pgIDIndexLock) }()

	// An index whose concurrent build was interrupted stays behind invalid: dropped, built again.
	broken, err := x.names(ctx, `
		SELECT n.nspname, ic.relname, 0 FROM pg_index i
		JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = ic.relnamespace
		WHERE NOT i.indisvalid AND ic.relname LIKE '%\_atiende\_id\_read'`)
	if err != nil {
		return err
	}
	for _, b := range broken {
		if _, err := x.conn.Exec(ctx, `DROP INDEX CONCURRENTLY IF EXISTS `+pgx.Identifier{b.schema, b.name}.Sanitize()); err != nil {
			return err
		}
	}

	tables, err := x.names(ctx, `
		SELECT n.nspname, c.relname, pg_relation_size(c.oid) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND c.relname <> '_ferretdb_database_metadata'
		AND EXISTS (SELECT 1 FROM pg_class m
			WHERE m.relnamespace = c.relnamespace AND m.relname = '_ferretdb_database_metadata')
		AND EXISTS (SELECT 1 FROM pg_attribute a
			WHERE a.attrelid = c.oid AND a.attname = '_jsonb' AND NOT a.attisdropped)
		AND NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
			WHERE i.indrelid = c.oid AND ic.relname LIKE '%\_atiende\_id\_read')`)
	if err != nil {
		return err
	}
	for _, t := range tables {
		how := "INDEX"
		if t.bytes >= pgConcurrentBytes {
			how = "INDEX CONCURRENTLY"
		}
		// fastupdate off: with GIN's pending list on, every read would also scan the entries
		// inserted since the last cleanup.
		q := fmt.Sprintf(`CREATE %s IF NOT EXISTS %s ON %s USING gin ((_jsonb->'_id') jsonb_path_ops) WITH (fastupdate = off)`,
			how, pgx.Identifier{pgIDIndexName(t.name)}.Sanitize(), pgx.Identifier{t.schema, t.name}.Sanitize())
		if _, err := x.conn.Exec(ctx, q); err != nil && !gone(err) {
			return fmt.Errorf("%s.%s: %w", t.schema, t.name, err)
		}
	}
	return nil
}

type pgRelation struct {
	schema, name string
	bytes        int64
}

func (x *pgIDIndexer) names(ctx context.Context, query string) ([]pgRelation, error) {
	rows, err := x.conn.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	var found []pgRelation
	for rows.Next() {
		var r pgRelation
		if err := rows.Scan(&r.schema, &r.name, &r.bytes); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, r)
	}
	return found, rows.Err()
}

// gone tells a table dropped between the catalog read and the index build.
func gone(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P01" // undefined_table
}

// pgIDIndexName is the table's name with the suffix, shortened to PostgreSQL's 63 bytes by a hash
// of the whole name when needed (FerretDB's table names are ASCII and up to 63 bytes long).
func pgIDIndexName(table string) string {
	if len(table)+len(idIndexSuffix) <= 63 {
		return table + idIndexSuffix
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(table))
	return fmt.Sprintf("%s_%08x%s", table[:63-len(idIndexSuffix)-9], h.Sum32(), idIndexSuffix)
}
