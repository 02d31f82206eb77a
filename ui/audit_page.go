package ui

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

// The audit page (admins only: the log names everyone and what they
// looked for): the log newest first, filtered by actor, action, object
// and time, a page at a time, and exported as CSV or JSON lines. Viewing
// and exporting are themselves audited.

const auditPageSize = 100

type auditPage struct {
	Actor, Action, Target, From, To string // the filter as typed
	Entries                         []auditRow
	Older                           string // the next page back; "" on the last
	Query                           string // the filter as a query
	CSV, JSONL                      string // the export links of this filter
	Problem                         string
}

type auditRow struct {
	watch.AuditEntry
	When string
}

func (s *Server) auditRoutes(a *echo.Group) {
	admin := requireRole(watch.RoleAdmin)
	a.GET("/audit", s.auditLog, admin)
	a.GET("/audit/export", s.auditExport, admin)
}

// auditFilter reads the filter from the query; the problem is for the
// person, the filter is usable regardless (a bad time is left out).
func (s *Server) auditFilter(c echo.Context) (watch.AuditFilter, auditPage, string) {
	q := c.QueryParams()
	p := auditPage{Actor: limitText(q.Get("actor")), Action: limitText(q.Get("action")), Target: limitText(q.Get("object")),
		From: limitText(q.Get("from")), To: limitText(q.Get("to"))}
	f := watch.AuditFilter{Actor: p.Actor, Action: p.Action, Target: p.Target}
	var problems []string
	for _, t := range []struct {
		v    string
		into *time.Time
		name string
	}{{p.From, &f.From, "From"}, {p.To, &f.To, "To"}} {
		if t.v == "" {
			continue
		}
		tm, err := time.ParseInLocation(formTime, t.v, s.opts.Location)
		if err != nil {
			problems = append(problems, t.name+" is not a date and time.")
			continue
		}
		*t.into = tm
	}
	keep := url.Values{}
	for k, v := range map[string]string{"actor": p.Actor, "action": p.Action, "object": p.Target, "from": p.From, "to": p.To} {
		if v != "" {
			keep.Set(k, v)
		}
	}
	p.Query = keep.Encode()
	keep.Set("format", "csv")
	p.CSV = "/audit/export?" + keep.Encode()
	keep.Set("format", "jsonl")
	p.JSONL = "/audit/export?" + keep.Encode()
	return f, p, strings.Join(problems, " ")
}

func limitText(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 200 {
		return string(r[:200])
	}
	return s
}

func (s *Server) auditLog(c echo.Context) error {
	f, p, problem := s.auditFilter(c)
	p.Problem = problem
	if b, err := strconv.ParseInt(c.QueryParam("before"), 10, 64); err == nil && b > 0 {
		f.Before = b
	}
	f.Limit = auditPageSize + 1
	es, err := s.store.SearchAudit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if len(es) > auditPageSize {
		es = es[:auditPageSize]
		q, _ := url.ParseQuery(p.Query)
		q.Set("before", strconv.FormatInt(es[len(es)-1].ID, 10))
		p.Older = "/audit?" + q.Encode()
	}
	for _, e := range es {
		p.Entries = append(p.Entries, auditRow{AuditEntry: e, When: formatTime(e.At, s.opts.Location)})
	}
	if err := s.consulted(c, "audit_view", "audit", p.Query); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "audit.html", page{Title: "Audit log", Audit: p})
}

// auditExport writes every entry the filter picks: CSV (cells that a
// spreadsheet would read as a formula are quoted) or JSON lines.
func (s *Server) auditExport(c echo.Context) error {
	f, p, problem := s.auditFilter(c)
	if problem != "" {
		return echo.NewHTTPError(http.StatusBadRequest, problem)
	}
	format := c.QueryParam("format")
	if format != "csv" && format != "jsonl" {
		return echo.NewHTTPError(http.StatusBadRequest, "format must be csv or jsonl.")
	}
	if err := s.consulted(c, "audit_export", "audit", "format="+format+" "+p.Query); err != nil {
		return err
	}
	h := c.Response().Header()
	name := "watchroom-audit-" + s.opts.Now().UTC().Format("20060102T150405Z")
	ctx := c.Request().Context()
	if format == "jsonl" {
		h.Set("Content-Type", "application/x-ndjson; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+name+`.jsonl"`)
		c.Response().WriteHeader(http.StatusOK)
		enc := json.NewEncoder(c.Response())
		return s.store.EachAudit(ctx, f, func(e watch.AuditEntry) error { return enc.Encode(e) })
	}
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"id", "at", "actor", "action", "object", "detail", "hash"})
	err := s.store.EachAudit(ctx, f, func(e watch.AuditEntry) error {
		return w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339Nano), csvCell(e.Actor), csvCell(e.Action),
			csvCell(e.Target), csvCell(e.Detail), e.Hash})
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	return err
}
