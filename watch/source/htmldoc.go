package source

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"
)

// loadHTML parses an HTML page, decoding it from the charset its
// Content-Type, byte-order mark or <meta> declares (UTF-8 when none does).
func loadHTML(body []byte, contentType string) (*goquery.Document, error) {
	enc, _, _ := charset.DetermineEncoding(body, contentType)
	r := transform.NewReader(bytes.NewReader(body), enc.NewDecoder())
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: not HTML: %w", ErrUnparseable, err)
	}
	return doc, nil
}

// docBase is the URL relative links in doc resolve against: its <base
// href> when that is a web URL, else the page's own URL.
func docBase(doc *goquery.Document, pageURL string) *url.URL {
	base := baseURL(pageURL)
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if u := absURL(href, base); u != "" {
			return baseURL(u)
		}
	}
	return base
}

// selectionText is the plain text of the first node of sel, as plainText
// reads HTML: hidden elements dropped, block elements and <br> separating
// words, whitespace collapsed.
func selectionText(sel *goquery.Selection) string {
	if sel.Length() == 0 {
		return ""
	}
	var b strings.Builder
	// An explicit stack rather than recursion: hostile pages nest deep.
	stack := []*html.Node{sel.Get(0)}
	for len(stack) > 0 && b.Len() <= 4*maxText {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == nil {
			b.WriteByte(' ') // the end of a block element
			continue
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			continue
		case html.ElementNode:
			if droppedElements[n.DataAtom] {
				continue
			}
			if !inlineElements[n.DataAtom] {
				b.WriteByte(' ')
				stack = append(stack, nil)
			}
		case html.DocumentNode:
		default:
			continue
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	return cleanText(b.String())
}

// hrefOf is the first web link of sel's first node: its own href (an <a>
// or a <link>), else that of the first <a href> inside it.
func hrefOf(sel *goquery.Selection, base *url.URL) string {
	sel = sel.First()
	if href, ok := sel.Attr("href"); ok {
		return absURL(href, base)
	}
	if href, ok := sel.Find("a[href]").First().Attr("href"); ok {
		return absURL(href, base)
	}
	return ""
}

// cssURL finds url(...) in an inline style, where Telegram keeps its
// photos.
var cssURL = regexp.MustCompile(`url\(\s*['"]?([^'")\s]+)['"]?\s*\)`)

// styleURL is the first url(...) of an element's style attribute.
func styleURL(sel *goquery.Selection) string {
	style, _ := sel.Attr("style")
	if len(style) > 8*maxURL {
		return ""
	}
	if m := cssURL.FindStringSubmatch(style); m != nil {
		return m[1]
	}
	return ""
}

// docLanguage is the page's <html lang>, when it is a language tag.
func docLanguage(doc *goquery.Document) string {
	lang, _ := doc.Find("html").First().Attr("lang")
	return language(lang)
}
