package referrals

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// CSVHeader is the first row of the ledger's CSV export.
var CSVHeader = []string{"id", "referred_at", "referred_by", "platform", "url", "category", "platform_reference",
	"outcome", "outcome_at", "last_check", "last_check_at", "operation", "hit_id", "capture_id", "note"}

// WriteCSV writes the referrals as CSV for a liaison meeting with a
// platform. Cells a spreadsheet would take for a formula (starting with
// =, +, -, @, tab or carriage return) are prefixed with a quote.
func WriteCSV(w io.Writer, rs []watch.Referral) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	for _, r := range rs {
		row := []string{id(r.ID), at(r.At), r.By, r.Platform, r.URL, r.Category, r.Reference,
			r.Outcome, at(r.OutcomeAt), r.Observed, at(r.ObservedAt), r.Operation, id(r.HitID), id(r.CaptureID), r.Note}
		for i := range row {
			row[i] = SafeCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell keeps a spreadsheet from reading a cell as a formula.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
