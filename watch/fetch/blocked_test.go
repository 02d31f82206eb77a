package fetch_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/fetch"
)

func TestAntiBotPages(t *testing.T) {
	type page struct {
		status int
		header http.Header
		body   string
	}
	tests := []struct {
		name       string
		page       page
		class      fetch.Class // "" means success
		retryAfter time.Duration
	}{
		{"Cloudflare managed challenge header", page{403, http.Header{"Cf-Mitigated": {"challenge"}}, ""}, fetch.ClassBlocked, 0},
		{"Cloudflare JS check on a 503", page{503, http.Header{"Retry-After": {"30"}},
			`<html><head><title>Just a moment...</title></head><body>Checking your browser before accessing example.org.</body></html>`},
			fetch.ClassBlocked, 30 * time.Second},
		{"Cloudflare block page", page{403, nil, `<title>Attention Required! | Cloudflare</title>`}, fetch.ClassBlocked, 0},
		{"Turnstile", page{403, nil, `<script src="https://challenges.cloudflare.com/turnstile/v0/api.js"></script>`}, fetch.ClassBlocked, 0},
		{"AWS WAF challenge on a 202", page{202, http.Header{"X-Amzn-Waf-Action": {"challenge"}}, "<html></html>"}, fetch.ClassBlocked, 0},
		{"AWS WAF captcha on a 405", page{405, http.Header{"X-Amzn-Waf-Action": {"captcha"}}, ""}, fetch.ClassBlocked, 0},
		{"DataDome", page{403, nil, `<script src="https://ct.captcha-delivery.com/c.js"></script>`}, fetch.ClassBlocked, 0},
		{"PerimeterX", page{403, nil, `<div id="px-captcha"></div>`}, fetch.ClassBlocked, 0},
		{"Akamai", page{403, nil, `<H1>Access Denied</H1> Reference #18.5e2e1302 https://errors.edgesuite.net/18.5e2e1302`}, fetch.ClassBlocked, 0},
		{"hCaptcha", page{403, nil, `<div class="h-captcha" data-sitekey="x"></div><script src="https://hcaptcha.com/1/api.js">`}, fetch.ClassBlocked, 0},

		{"plain 403", page{403, nil, "Forbidden"}, fetch.ClassHTTP4xx, 0},
		{"403 access denied, no vendor", page{403, nil, "<h1>Access Denied</h1>"}, fetch.ClassHTTP4xx, 0},
		{"a marker past what is read", page{403, nil, strings.Repeat(" ", 40<<10) + "g-recaptcha"}, fetch.ClassHTTP4xx, 0},
		{"404 with a comment form's captcha", page{404, nil, `<form><div class="g-recaptcha"></div></form>`}, fetch.ClassHTTP4xx, 0},
		{"429 with a challenge stays rate limited", page{429, http.Header{"Cf-Mitigated": {"challenge"}, "Retry-After": {"60"}}, ""},
			fetch.ClassRateLimited, time.Minute},
		{"a feed that talks about captchas", page{200, nil, "<rss><item><title>Are you a robot? g-recaptcha</title></item></rss>"}, "", 0},
	}
	mux := http.NewServeMux()
	for i, tt := range tests {
		mux.HandleFunc("/"+string(rune('a'+i)), func(w http.ResponseWriter, r *http.Request) {
			for k, v := range tt.page.header {
				w.Header()[k] = v
			}
			w.WriteHeader(tt.page.status)
			io.WriteString(w, tt.page.body)
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// a client of its own: a 429 closes the host to the client that got it
			c := newClient(t, fetch.Options{Allow: loopback})
			defer c.CloseIdleConnections()
			_, err := c.Get(context.Background(), fetch.Request{URL: srv.URL + "/" + string(rune('a'+i))})
			if got := fetch.ClassOf(err); got != tt.class {
				t.Fatalf("class %q, want %q (err: %v)", got, tt.class, err)
			}
			var fe *fetch.Error
			if errors.As(err, &fe) && (fe.Status != tt.page.status || fe.RetryAfter != tt.retryAfter) {
				t.Errorf("status %d retry-after %s, want %d %s", fe.Status, fe.RetryAfter, tt.page.status, tt.retryAfter)
			}
		})
	}
}
