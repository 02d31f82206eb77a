package fetch

import (
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{"30", 30 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"99999999999", maxRetryAfter},
		{"Wed, 11 Mar 2026 10:01:00 GMT", time.Minute},
		{"Wed, 11 Mar 2026 09:00:00 GMT", 0}, // in the past
		{"Sun, 11 Mar 2036 10:00:00 GMT", maxRetryAfter},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := RetryAfter(tt.in, now); got != tt.want {
			t.Errorf("RetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
