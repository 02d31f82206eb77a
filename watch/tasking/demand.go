package tasking

import (
	"math"
	"sort"
	"strings"
	"time"
)

// Row is what the demand figures read of one request: the store gives these
// for every request at once, so they carry no free text but the decline
// reason's code.
type Row struct {
	ID                                      int64
	Type, Team                              string
	Urgency                                 Urgency
	State                                   State
	Submitted, Triaged, Accepted, Completed time.Time
	Due                                     time.Time
	Spans                                   []Span
	Reopened                                int
	DeclineReason                           string
	Products                                Products // what it produced, by kind
	Intelligence, Delivered                 int
	Grading                                 string // "1/B/P", or ""
}

// ProductKinds are the kinds a Products counts: the link kinds, and
// "report" for versions of the intelligence product.
var ProductKinds = append(append([]string(nil), LinkKinds...), "report")

// Products counts what a request produced, by the index of its kind in
// ProductKinds: an array, so 100,000 rows cost no allocation for it.
type Products [7]int

// Add counts n of a kind; an unknown kind is not counted.
func (p *Products) Add(kind string, n int) {
	for i, k := range ProductKinds {
		if k == kind {
			p[i] += n
			return
		}
	}
}

// Of is the count of a kind.
func (p Products) Of(kind string) int {
	for i, k := range ProductKinds {
		if k == kind {
			return p[i]
		}
	}
	return 0
}

// RowOf is a request as a Row.
func RowOf(r Request, reports int) Row {
	row := Row{ID: r.ID, Type: r.Type, Team: r.Team, Urgency: r.Urgency, State: r.State, Submitted: r.Submitted,
		Triaged: r.Triaged, Accepted: r.Accepted, Completed: r.Completed, Due: r.Due, Spans: r.Spans,
		Reopened: r.Reopened, DeclineReason: r.DeclineReason}
	for _, l := range r.Links {
		row.Products.Add(l.Kind, 1)
	}
	row.Products.Add("report", reports)
	if r.State == StateClosed {
		row.Intelligence, row.Delivered, row.Grading = r.Outcome.Intelligence, r.Outcome.Delivered, r.Outcome.Grading.String()
	}
	return row
}

// Filter narrows the figures: requests of a team and a type, and the period
// [From, To) the figures describe.
type Filter struct {
	From, To   time.Time
	Team, Type string
}

func (f Filter) keeps(r Row) bool {
	return r.State != StateDraft && !r.Submitted.IsZero() && (f.Team == "" || r.Team == f.Team) && (f.Type == "" || r.Type == f.Type)
}

func (f Filter) in(t time.Time) bool { return !t.IsZero() && !t.Before(f.From) && t.Before(f.To) }

// Count is a label and a number.
type Count struct {
	Label string
	N     int
}

// Durations summarise how long something took: nearest-rank percentiles.
type Durations struct {
	N           int
	Median, P90 time.Duration
}

// Week is one week's throughput and the backlog at its end.
type Week struct {
	Start                         time.Time
	Received, Accepted, Completed int
	Backlog                       int // open at the end of the week (or now, for the week under way)
}

// Demand is every figure of the demand page for one filter.
//
// What counts where (docs/tasking.md):
//   - Received, ByType, ByTeam, ByUrgency, ByProduct and the fate of what
//     was received (Accepted, Closed, Declined, Merged, StillOpen, Reopened,
//     DeclinedBy) count requests first submitted in the period;
//   - throughput (AcceptedIn, CompletedIn, the weeks) counts events in the
//     period, whenever the request came in: a request's first acceptance,
//     and its last completion while it stays completed (a reopened request
//     counts once, when it is completed again);
//   - TimeToTriage counts requests first triaged in the period, from first
//     submission; TimeToComplete and the intelligence and products
//     delivered count requests completed in the period, from first
//     submission to that completion;
//   - the backlog is every request open at a moment: submitted, waiting
//     for more information or in work, between a submission (or reopening)
//     and a close, decline or merge.
type Demand struct {
	Filter                                        Filter
	Received                                      int
	Accepted, Closed, Declined, Merged, StillOpen int
	Reopened                                      int
	ByType, ByTeam, ByUrgency, ByProduct          []Count
	DeclinedBy                                    []Count
	AcceptedIn, CompletedIn                       int
	Intelligence, Delivered                       int
	ByGrading                                     []Count // intelligence reports by grading
	TimeToTriage, TimeToComplete                  Durations
	BacklogStart, BacklogEnd                      int
	Weeks                                         []Week
}

// Compute works out the figures over rows at now, with weeks starting on
// Monday in loc.
func Compute(rows []Row, f Filter, now time.Time, loc *time.Location) Demand {
	if loc == nil {
		loc = time.UTC
	}
	d := Demand{Filter: f}
	var byType, byTeam, byUrg, byProd, declined, grading tally
	var triage, complete []time.Duration
	end := f.To
	if now.Before(end) {
		end = now
	}
	weeks := weekStarts(f.From, end, loc) // no weeks yet to come
	d.Weeks = make([]Week, len(weeks))
	for i, w := range weeks {
		d.Weeks[i].Start = w
	}
	weekOf := func(t time.Time) int {
		if !f.in(t) {
			return -1
		}
		i := sort.Search(len(weeks), func(i int) bool { return weeks[i].After(t) }) - 1
		return i
	}
	// backlog moments: each week's end (or now), the period's start and end
	moments := make([]time.Time, len(weeks))
	for i, w := range weeks {
		m := w.AddDate(0, 0, 7)
		if m.After(end) {
			m = end
		}
		moments[i] = m
	}
	backlog := make([]int, len(moments)+1)
	for _, r := range rows {
		if !f.keeps(r) {
			continue
		}
		if f.in(r.Submitted) {
			d.Received++
			byType.add(r.Type, 1)
			byTeam.add(r.Team, 1)
			byUrg.add(string(r.Urgency), 1)
			for i, n := range r.Products {
				if n > 0 {
					byProd.add(ProductKinds[i], n)
				}
			}
			switch r.State {
			case StateClosed:
				d.Closed++
			case StateDeclined:
				d.Declined++
				declined.add(r.DeclineReason, 1)
			case StateMerged:
				d.Merged++
			default:
				d.StillOpen++
			}
			if !r.Accepted.IsZero() {
				d.Accepted++
			}
			if r.Reopened > 0 {
				d.Reopened++
			}
			if i := weekOf(r.Submitted); i >= 0 {
				d.Weeks[i].Received++
			}
		}
		if f.in(r.Triaged) {
			triage = append(triage, r.Triaged.Sub(r.Submitted))
		}
		if f.in(r.Accepted) {
			d.AcceptedIn++
			if i := weekOf(r.Accepted); i >= 0 {
				d.Weeks[i].Accepted++
			}
		}
		if r.State == StateClosed && f.in(r.Completed) {
			d.CompletedIn++
			complete = append(complete, r.Completed.Sub(r.Submitted))
			d.Intelligence += r.Intelligence
			d.Delivered += r.Delivered
			if r.Intelligence > 0 && r.Grading != "" {
				grading.add(r.Grading, r.Intelligence)
			}
			if i := weekOf(r.Completed); i >= 0 {
				d.Weeks[i].Completed++
			}
		}
		if openAt(r.Spans, f.From) {
			d.BacklogStart++
		}
		if openAt(r.Spans, end) {
			d.BacklogEnd++
		}
		// each span is open at the moments in [Start, End): a difference
		// array, summed below, instead of testing every week
		for _, sp := range r.Spans {
			from := sort.Search(len(moments), func(i int) bool { return !moments[i].Before(sp.Start) })
			to := len(moments)
			if !sp.End.IsZero() {
				to = sort.Search(len(moments), func(i int) bool { return !moments[i].Before(sp.End) })
			}
			if from < to {
				backlog[from]++
				backlog[to]--
			}
		}
	}
	open := 0
	for i := range d.Weeks {
		open += backlog[i]
		d.Weeks[i].Backlog = open
	}
	d.ByType, d.ByTeam, d.ByUrgency, d.ByProduct = byType.ranked(), byTeam.ranked(), byUrg.ranked(), byProd.ranked()
	d.DeclinedBy, d.ByGrading = declined.ranked(), grading.ranked()
	d.TimeToTriage, d.TimeToComplete = summarise(triage), summarise(complete)
	return d
}

// openAt reports whether the request was in the backlog at t: a span
// started at or before t and not ended by then.
func openAt(spans []Span, t time.Time) bool {
	for _, s := range spans {
		if !s.Start.After(t) && (s.End.IsZero() || s.End.After(t)) {
			return true
		}
	}
	return false
}

// weekStarts are the Mondays (00:00 in loc) of the weeks that overlap [from, to).
func weekStarts(from, to time.Time, loc *time.Location) []time.Time {
	if !to.After(from) {
		return nil
	}
	t := from.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	back := (int(day.Weekday()) + 6) % 7 // days since Monday
	w := day.AddDate(0, 0, -back)
	var out []time.Time
	for w.Before(to) && len(out) < 1000 {
		out = append(out, w)
		w = w.AddDate(0, 0, 7)
	}
	return out
}

// Quarter returns the calendar quarter holding t in loc, as [from, to) and
// its label, e.g. "2026 Q3 (July to September)".
func Quarter(t time.Time, loc *time.Location) (from, to time.Time, label string) {
	t = t.In(loc)
	q := (int(t.Month()) - 1) / 3
	from = time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, loc)
	to = from.AddDate(0, 3, 0)
	return from, to, from.Format("2006") + " Q" + string(rune('1'+q)) + " (" + from.Format("January") + " to " + to.AddDate(0, 0, -1).Format("January") + ")"
}

// ParseQuarter reads "2026-Q3".
func ParseQuarter(s string, loc *time.Location) (from, to time.Time, label string, ok bool) {
	y, q, found := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-Q")
	if !found || len(y) != 4 || len(q) != 1 || q[0] < '1' || q[0] > '4' {
		return time.Time{}, time.Time{}, "", false
	}
	year := 0
	for _, c := range y {
		if c < '0' || c > '9' {
			return time.Time{}, time.Time{}, "", false
		}
		year = year*10 + int(c-'0')
	}
	from, to, label = Quarter(time.Date(year, time.Month(int(q[0]-'1')*3+1), 1, 12, 0, 0, 0, loc), loc)
	return from, to, label, true
}

// tally counts by label. There are few labels (types, teams, reasons), so
// a linear search beats hashing every row's strings, and the store hands
// out the same string for the same label, which compares at once.
type tally []Count

func (t *tally) add(label string, n int) {
	for i := range *t {
		if (*t)[i].Label == label {
			(*t)[i].N += n
			return
		}
	}
	*t = append(*t, Count{Label: label, N: n})
}

// ranked is the counts biggest first, then by label.
func (t tally) ranked() []Count {
	out := append([]Count{}, t...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Label < out[j].Label
	})
	return out
}

// summarise gives the median and 90th percentile by nearest rank: the
// smallest value at or above that share of the values.
func summarise(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(ds)))) - 1
		return ds[max(i, 0)]
	}
	return Durations{N: len(ds), Median: rank(0.5), P90: rank(0.9)}
}
