package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// ExportWatchLists loads the watch lists in force for a config (the
// file's, and the web's from its database when there is one) and writes
// them as the config file's watchlists: section.
func ExportWatchLists(ctx context.Context, f *config.File) (string, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := filepath.Join(f.Server.DataDir, "watchroom.db")
	var src watch.ListSource
	if _, err := os.Stat(db); err == nil { // no database yet: the config's lists only
		st, err := store.Open(ctx, db, quiet, store.Options{})
		if err != nil {
			return "", err
		}
		defer st.Close()
		src = st
	}
	_, lists, ops := Domain(f)
	l := watch.NewLists(lists, ops, src, nil, quiet, nil)
	if err := l.Load(ctx); err != nil {
		return "", err
	}
	return exportWatchLists(l.Entries())
}

// yamlList is a watch list as the config file writes it.
type yamlList struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name,omitempty"`
	Severity string   `yaml:"severity,omitempty"`
	Sources  []string `yaml:"sources,omitempty,flow"`
	Terms    []string `yaml:"terms,omitempty,flow"`
	Query    string   `yaml:"query,omitempty"`
	Tags     []string `yaml:"tags,omitempty,flow"`
}

// exportWatchLists writes the lists in force as the config file's
// watchlists: section. Lists disabled in the web, or that do not compile,
// follow as comments, so nothing is lost and nothing inactive comes back
// to life; the operations a web list is linked to are named in a comment,
// since they belong in those operations' watchlists: keys.
func exportWatchLists(entries []watch.ListEntry) (string, error) {
	var b strings.Builder
	b.WriteString("# The watch lists in force: the config file's and the changes made in the web.\n")
	b.WriteString("watchlists:\n")
	var inactive []string
	n := 0
	for _, e := range entries {
		text, err := yamlEntry(e.List)
		if err != nil {
			return "", err
		}
		var notes []string
		switch e.Origin {
		case watch.OriginWeb:
			notes = append(notes, fmt.Sprintf("made in the web by %s, last changed by %s on %s", e.CreatedBy, e.UpdatedBy, e.Updated.Format("2006-01-02 15:04 MST")))
		case watch.OriginConfigChanged:
			notes = append(notes, fmt.Sprintf("from the config file, changed in the web by %s on %s", e.UpdatedBy, e.Updated.Format("2006-01-02 15:04 MST")))
		}
		if len(e.Operations) > 0 {
			notes = append(notes, "shown on the boards of operations "+strings.Join(e.Operations, ", ")+": add it to their watchlists:")
		}
		if !e.Active() {
			why := "disabled in the web"
			if e.Broken != nil {
				why = "does not compile: " + e.Broken.Error()
			}
			inactive = append(inactive, indent(comment(append([]string{why}, notes...))+comment(strings.Split(strings.TrimRight(text, "\n"), "\n")), "  "))
			continue
		}
		b.WriteString(indent(comment(notes), "  "))
		b.WriteString(indent(text, "  "))
		n++
	}
	if n == 0 {
		// an empty sequence, so the file still parses
		s := b.String()
		b.Reset()
		b.WriteString(strings.TrimSuffix(s, "watchlists:\n") + "watchlists: []\n")
	}
	if len(inactive) > 0 {
		b.WriteString("  # Not in force, kept as comments:\n")
		for _, x := range inactive {
			b.WriteString(x)
		}
	}
	return b.String(), nil
}

func yamlEntry(l watch.WatchList) (string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode([]yamlList{{ID: l.ID, Name: l.Name, Severity: l.Severity, Sources: l.Sources, Terms: l.Terms, Query: l.Query, Tags: l.Tags}}); err != nil {
		return "", fmt.Errorf("watch list %q: %w", l.ID, err)
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// comment writes lines as YAML comments; a line break inside one starts
// another comment line, so user text never escapes the comment.
func comment(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		for _, part := range strings.Split(strings.ReplaceAll(l, "\r", ""), "\n") {
			b.WriteString("# " + part + "\n")
		}
	}
	return b.String()
}

func indent(s, by string) string {
	if s == "" {
		return ""
	}
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(by + l)
		}
	}
	return b.String()
}
