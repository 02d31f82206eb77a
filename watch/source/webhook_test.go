package source_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/source"
)

func TestWebhookPush(t *testing.T) {
	body, err := os.ReadFile("testdata/webhook_push.json")
	if err != nil {
		t.Fatal(err)
	}
	items, err := source.ParsePush(context.Background(), watch.Source{ID: "src", Kind: "webhook"}, body, found)
	if err != nil {
		t.Fatal(err)
	}
	hash := source.BodyHash(body)
	want := []watch.Item{
		{SourceID: "src", Key: "tool-1", URL: "https://Forum.Example/t/42#post-3", Author: "@dj_one", Title: "Rave tonight",
			Text: "Bring friends to the common", Published: time.Date(2026, 11, 28, 20, 30, 0, 0, time.UTC), Found: found,
			MediaLinks: []string{"https://img.example/1.jpg"}, Language: "en-GB", BodySHA256: hash},
		{SourceID: "src", Key: "https://forum.example/t/43", URL: "https://forum.example/t/43", Text: "No id: keyed by the URL",
			Found: found, BodySHA256: hash},
		{SourceID: "src", Key: sha("Only text: keyed by a hash"), Text: "Only text: keyed by a hash", Found: found, BodySHA256: hash},
	}
	if len(items) != len(want) {
		t.Fatalf("%d items, want %d", len(items), len(want))
	}
	for i := range want {
		checkInvariants(t, items[i])
		if !reflect.DeepEqual(items[i], want[i]) {
			t.Errorf("item %d:\n got %+v\nwant %+v", i, items[i], want[i])
		}
	}
	if len(hash) != 64 {
		t.Errorf("hash %q", hash)
	}
}

func sha(text string) string {
	sum := sha256.Sum256([]byte("\n" + text))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Every fault of a push is refused with a message that says where.
func TestWebhookPushRefused(t *testing.T) {
	item := func(fields string) string { return `{"items":[` + fields + `]}` }
	cases := map[string]struct{ body, says string }{
		"empty body":     {``, "the body is empty"},
		"not JSON":       {`<html>`, "not JSON at byte 1"},
		"cut off":        {`{"items":[{"text":"a"`, "the JSON ends too early"},
		"two documents":  {item(`{"text":"a"}`) + `{}`, "more than one JSON value"},
		"no items":       {`{}`, `missing "items"`},
		"items not list": {`{"items":{}}`, "items: want a list, got JSON object"},
		"empty items":    {`{"items":[]}`, `"items" is empty`},
		"unknown top":    {`{"items":[{"text":"a"}],"token":"x"}`, `unknown field "token"`},
		"unknown field":  {item(`{"text":"a","html":"<b>"}`), `unknown field "html"`},
		"wrong type":     {item(`{"text":5}`), "items.text: want a string, got JSON number"},
		"nothing in it":  {item(`{"author":"x"}`), "items[0].title, text, url: an item needs at least one of them"},
		"bad url":        {item(`{"text":"a"},{"url":"javascript:alert(1)"}`), `items[1].url: "javascript:alert(1)" is not an http or https URL`},
		"bad date":       {item(`{"text":"a","published":"yesterday"}`), `items[0].published: "yesterday" is not an RFC 3339 time`},
		"bad media":      {item(`{"text":"a","media":["file:///etc/passwd"]}`), `items[0].media[0]: "file:///etc/passwd" is not an http or https URL`},
		"bad language":   {item(`{"text":"a","language":"english please"}`), `items[0].language: "english please" is not a language tag`},
		"too deep":       {strings.Repeat("[", 50) + strings.Repeat("]", 50), "nested deeper than 8"},
		"too big":        {item(`{"text":"` + strings.Repeat("a", source.MaxPushBytes) + `"}`), "the body is over 65536 bytes"},
	}
	var many []string
	for i := range 101 {
		many = append(many, fmt.Sprintf(`{"text":"%d"}`, i))
	}
	cases["too many"] = struct{ body, says string }{item(strings.Join(many, ",")), "101 items; at most 100 a push"}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			items, err := source.ParsePush(context.Background(), watch.Source{ID: "src"}, []byte(c.body), found)
			if !errors.Is(err, source.ErrUnparseable) || items != nil {
				t.Fatalf("got %d items, err %v; want ErrUnparseable", len(items), err)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("err = %q, want it to say %q", err, c.says)
			}
		})
	}
}

func FuzzWebhookParse(f *testing.F) {
	seedCorpus(f, "webhook", "jsonfeed", "mastodon", "bluesky")
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := source.ParsePush(context.Background(), watch.Source{ID: "src"}, body, found)
		if err != nil {
			if !errors.Is(err, source.ErrUnparseable) {
				t.Fatalf("error not wrapping ErrUnparseable: %v", err)
			}
			return
		}
		if len(items) == 0 || len(items) > 100 {
			t.Fatalf("%d items", len(items))
		}
		for _, it := range items {
			checkInvariants(t, it)
		}
	})
}
