package config

import (
	"fmt"
	"strings"
)

// expand replaces each ${NAME} in s with vars[NAME]. "$${" stands for a
// literal "${". Replacement happens on parsed scalar values, never on the
// file's text, so a variable's value cannot change the file's structure.
// It returns the expanded string and a message for each reference it could
// not resolve.
func expand(s string, vars map[string]string) (string, []string) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var (
		b    strings.Builder
		msgs []string
	)
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), msgs
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1] + "${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		s = s[i+2:]
		end := strings.IndexByte(s, '}')
		if end < 0 || !isVarName(s[:end]) {
			msgs = append(msgs, fmt.Sprintf("bad variable reference %q: want ${NAME} (write $${ for a literal ${)", "${"+clip(s, end)))
			b.WriteString("${")
			continue
		}
		name := s[:end]
		s = s[end+1:]
		v, ok := vars[name]
		if !ok {
			msgs = append(msgs, fmt.Sprintf("unknown variable ${%s}", name))
		}
		b.WriteString(v)
	}
}

// clip returns the part of s a malformed reference covers, for the message.
func clip(s string, end int) string {
	if end >= 0 && end < 40 {
		return s[:end+1]
	}
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}

func isVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
