package ui

import (
	"os"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// The browser (static/reveal.js) and the server (watch.Reveal) make the
// same characters visible, with the same tokens.
func TestRevealListsAgree(t *testing.T) {
	js, err := os.ReadFile("static/reveal.js")
	if err != nil {
		t.Fatal(err)
	}
	pairs := regexp.MustCompile(`"\\u([0-9a-fA-F]{4})": "(\[[A-Z]+\])"`).FindAllSubmatch(js, -1)
	got := map[rune]string{}
	for _, p := range pairs {
		n, err := strconv.ParseUint(string(p[1]), 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		got[rune(n)] = string(p[2])
	}
	if want := watch.RevealedTokens(); !reflect.DeepEqual(got, want) {
		t.Fatalf("reveal.js names %v, watch.Reveal %v", got, want)
	}
}
