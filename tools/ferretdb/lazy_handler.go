package main

import (
	"context"
	"log/slog"
	"runtime/debug"
)

// lazyHandler defers the formatting of a logger's attributes until a record is really written.
//
// FerretDB v1 calls logger.With(query, args) around every SQL statement and only then logs at
// debug level; slog's TextHandler formats the attributes in With, so every insert paid for
// quoting its whole document even with debug logging off (about a sixth of the server's CPU
// under load). Attributes added to a lazyHandler are only kept; they are formatted when a
// record passes the level.
type lazyHandler struct {
	inner slog.Handler
	attrs []slog.Attr
}

func (h *lazyHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	kept := make([]slog.Attr, 0, len(h.attrs)+len(attrs))
	return &lazyHandler{inner: h.inner, attrs: append(append(kept, h.attrs...), attrs...)}
}

func (h *lazyHandler) WithGroup(name string) slog.Handler {
	return &lazyHandler{inner: h.materialised().WithGroup(name)}
}

func (h *lazyHandler) Handle(ctx context.Context, record slog.Record) error {
	return h.materialised().Handle(ctx, record)
}

func (h *lazyHandler) materialised() slog.Handler {
	if len(h.attrs) == 0 {
		return h.inner
	}
	return h.inner.WithAttrs(h.attrs)
}

// tuneGarbageCollector lets the heap grow to five times its live size between collections
// (Go's default is twice) unless GOGC says otherwise: the embedded server's live heap is a few
// tens of megabytes, and collecting less often gives its CPU back to the queries.
func tuneGarbageCollector(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
