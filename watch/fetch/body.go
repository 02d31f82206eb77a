package fetch

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// readBody reads at most max bytes of decompressed body.
func readBody(resp *http.Response, max int64) ([]byte, error) {
	host := resp.Request.URL.Host
	tooLarge := &Error{Class: ClassTooLarge, Status: resp.StatusCode,
		Msg: fmt.Sprintf("response from %s is larger than %s", host, byteSize(max))}
	if resp.ContentLength > max && !encoded(resp) {
		return nil, tooLarge
	}
	r, done, err := decoded(resp)
	if errors.Is(err, io.EOF) {
		return []byte{}, nil // an empty body labelled gzip
	}
	if err != nil {
		return nil, err
	}
	defer done()

	// One byte past the cap tells "exactly max" from "more than max".
	body, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(body)) > max {
		return nil, tooLarge
	}
	if err != nil {
		if isGzipFormatError(err) {
			return nil, gzipError(host, resp.StatusCode, err)
		}
		return nil, err
	}
	return body, nil
}

func contentEncoding(resp *http.Response) string {
	return strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
}

func encoded(resp *http.Response) bool {
	enc := contentEncoding(resp)
	return enc != "" && enc != "identity"
}

// decoded returns the body with its Content-Encoding undone, and what to
// call when done with it. An empty gzip body gives io.EOF.
func decoded(resp *http.Response) (io.Reader, func(), error) {
	host := resp.Request.URL.Host
	switch enc := contentEncoding(resp); enc {
	case "", "identity":
		return resp.Body, func() {}, nil
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(resp.Body)
		if errors.Is(err, io.EOF) {
			return nil, nil, io.EOF
		}
		if isGzipFormatError(err) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil, gzipError(host, resp.StatusCode, err)
		}
		if err != nil {
			return nil, nil, err // a timeout or a broken connection, classified by the caller
		}
		return gz, func() { gz.Close() }, nil
	default:
		return nil, nil, &Error{Class: ClassUnparseable, Status: resp.StatusCode,
			Msg: fmt.Sprintf("%s sent an unsupported Content-Encoding %q", host, enc)}
	}
}

func isGzipFormatError(err error) bool {
	return errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader)
}

func gzipError(host string, status int, err error) *Error {
	return &Error{Class: ClassUnparseable, Status: status, Msg: fmt.Sprintf("%s sent a corrupt gzip body", host), Err: err}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
