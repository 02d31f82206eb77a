package fetch

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// sniffMax is how much of an error page is read to tell an anti-bot page
// from a plain refusal: challenge pages say so near the top.
const sniffMax = 32 << 10

// challengeHeaders are response headers whose value marks an anti-bot
// challenge whatever the status (AWS WAF challenges with a 202).
var challengeHeaders = []struct {
	key, value, vendor string
}{
	{"Cf-Mitigated", "challenge", "Cloudflare challenge"},
	{"X-Amzn-Waf-Action", "challenge", "AWS WAF challenge"},
	{"X-Amzn-Waf-Action", "captcha", "AWS WAF captcha"},
}

// challengeMarkers are lower-case strings found in anti-bot and captcha
// pages and not in an ordinary "403 Forbidden".
var challengeMarkers = []struct {
	marker, vendor string
}{
	{"/cdn-cgi/challenge-platform/", "Cloudflare challenge"},
	{"cf-browser-verification", "Cloudflare challenge"},
	{"cf_chl_", "Cloudflare challenge"},
	{"challenges.cloudflare.com", "Cloudflare Turnstile"},
	{"attention required! | cloudflare", "Cloudflare block page"},
	{"<title>just a moment...</title>", "Cloudflare challenge"},
	{"captcha-delivery.com", "DataDome captcha"},
	{"px-captcha", "HUMAN (PerimeterX) captcha"},
	{"_incapsula_resource", "Imperva block page"},
	{"sucuri website firewall", "Sucuri block page"},
	{"ddos-guard", "DDoS-Guard challenge"},
	{"errors.edgesuite.net", "Akamai block page"},
	{"g-recaptcha", "reCAPTCHA"},
	{"google.com/recaptcha", "reCAPTCHA"},
	{"hcaptcha.com", "hCaptcha"},
	{"checking your browser", "browser check"},
	{"verify you are human", "human check"},
	{"verify you are a human", "human check"},
	{"verify that you are human", "human check"},
	{"verify that you are a human", "human check"},
	{"are you a robot", "human check"},
}

// challengeHeader returns which anti-bot vendor h names, or "".
func challengeHeader(h http.Header) string {
	for _, c := range challengeHeaders {
		for _, v := range h.Values(c.key) {
			if strings.EqualFold(strings.TrimSpace(v), c.value) {
				return c.vendor
			}
		}
	}
	return ""
}

// Challenge returns which anti-bot page or human check body is, or "",
// reading its start only: for a caller whose 200 answer turned out not to
// be what it asked for.
func Challenge(body []byte) string {
	return challengeBody(body[:min(len(body), sniffMax)])
}

// challengeBody returns which anti-bot page body is, or "".
func challengeBody(body []byte) string {
	lower := bytes.ToLower(body)
	for _, c := range challengeMarkers {
		if bytes.Contains(lower, []byte(c.marker)) {
			return c.vendor
		}
	}
	return ""
}

// sniffsBody tells whose bodies are read for challenge markers. Anti-bot
// services answer 403, or 503 for the older Cloudflare check; other error
// pages are left unread, so a 404 page with a comment form's captcha on it
// stays a 404.
func sniffsBody(code int) bool {
	return code == http.StatusForbidden || code == http.StatusServiceUnavailable
}

// sniff reads the start of an error page, decompressed. Read errors only
// shorten what is looked at: the status already says the request failed.
func sniff(resp *http.Response) []byte {
	r, done, err := decoded(resp)
	if err != nil {
		return nil
	}
	defer done()
	b, _ := io.ReadAll(io.LimitReader(r, sniffMax))
	return b
}
