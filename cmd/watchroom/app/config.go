package app

import (
	"errors"
	"fmt"
	"os"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/match"
	"github.com/watchroom/watchroom/watch/source"
)

// ConfigOptions are how the console loads a config file: its source
// kinds, their option checks and the query check.
func ConfigOptions() config.Options {
	return config.Options{Kinds: source.Kinds(), CheckSource: source.CheckSource, CheckQuery: checkQuery, Env: os.Getenv}
}

// checkQuery parses a watch list's query; a problem shows the query with a
// caret under the offending part.
func checkQuery(q string) error {
	_, err := match.Parse(q)
	var e *match.Error
	if errors.As(err, &e) {
		return fmt.Errorf("%s\n%s", e.Error(), e.Caret(q))
	}
	return err
}
