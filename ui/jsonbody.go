package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// decodeJSON reads a request's JSON body into dst, the one way every JSON
// body is read. It refuses, with a 400 that says why: a body that is not
// declared application/json (echo's Bind would read XML or a form), a
// key given twice in one object (which one would count?), a NUL
// character anywhere, a key dst has no field for, and anything after the
// value. what names the body for the message ("The annotation").
func decodeJSON(c echo.Context, dst any, what string) error {
	refuse := func(why string) error {
		return echo.NewHTTPError(http.StatusBadRequest, what+" is not valid: "+why)
	}
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return refuse("send it as JSON (Content-Type: application/json).")
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return refuse("the body could not be read.")
	}
	if err := checkJSON(body); err != nil {
		return refuse(err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var field *json.UnmarshalTypeError
		switch {
		case errors.As(err, &field) && field.Field != "":
			return refuse(fmt.Sprintf("%q has the wrong type.", field.Field))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return refuse(strings.TrimPrefix(err.Error(), "json: ") + ".")
		}
		return refuse("it is not well-formed JSON.")
	}
	return nil
}

// checkJSON walks one JSON value token by token: well-formed, no key twice
// in one object, no NUL in any key or string, nothing after the value.
func checkJSON(body []byte) error {
	malformed := errors.New("it is not well-formed JSON.")
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	// frame is an open object (keys set) or array (keys nil).
	type frame struct {
		keys    map[string]bool
		wantKey bool
	}
	var stack []*frame
	seen := false
	for {
		tok, err := dec.Token()
		if err == io.EOF && seen && len(stack) == 0 {
			return nil
		}
		if err != nil {
			return malformed
		}
		seen = true
		if s, ok := tok.(string); ok && strings.IndexByte(s, 0) >= 0 {
			return errors.New("it holds a NUL character.")
		}
		if n := len(stack); n > 0 && stack[n-1].keys != nil && stack[n-1].wantKey {
			if tok != json.Delim('}') {
				k, _ := tok.(string) // the decoder lets only a string through here
				if stack[n-1].keys[k] {
					return fmt.Errorf("the key %q is given twice.", k)
				}
				stack[n-1].keys[k], stack[n-1].wantKey = true, false
				continue
			}
			stack = stack[:n-1]
		} else {
			switch tok {
			case json.Delim('{'):
				stack = append(stack, &frame{keys: map[string]bool{}, wantKey: true})
				continue
			case json.Delim('['):
				stack = append(stack, &frame{})
				continue
			case json.Delim(']'):
				stack = stack[:len(stack)-1]
			}
		}
		// a value has ended: in an object a key comes next; at the top,
		// nothing may
		if n := len(stack); n > 0 {
			if stack[n-1].keys != nil {
				stack[n-1].wantKey = true
			}
		} else if dec.More() {
			return errors.New("there is more after the JSON value.")
		}
	}
}

// refuseNUL refuses a query or form with a NUL character in any name or
// value: no person types one, and text with one in it is truncated by
// some readers and not others (a note, a search, a watch list's query).
func refuseNUL(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.Contains(c.Request().URL.RawQuery, "%00") || strings.IndexByte(c.Request().URL.RawQuery, 0) >= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "The request holds a NUL character.")
		}
		mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
		if mt == echo.MIMEApplicationForm {
			form, err := c.FormParams()
			if err != nil {
				return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
			}
			for k, vs := range form {
				if strings.IndexByte(k, 0) >= 0 || slices.ContainsFunc(vs, func(v string) bool { return strings.IndexByte(v, 0) >= 0 }) {
					return echo.NewHTTPError(http.StatusBadRequest, "The form holds a NUL character.")
				}
			}
		}
		return next(c)
	}
}
