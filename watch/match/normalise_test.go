package match_test

import (
	"reflect"
	"testing"

	"github.com/watchroom/watchroom/watch/match"
)

// matchedTexts returns what each span of the one result covers, as
// "field:text", or nil when the list did not match.
func matchedTexts(t *testing.T, query string, d match.Doc) []string {
	t.Helper()
	m, err := match.Compile([]match.List{{ID: "l", Query: query}})
	if err != nil {
		t.Fatalf("Compile(%q): %v", query, err)
	}
	res := m.Match(d)
	if len(res) == 0 {
		return nil
	}
	fields := map[string]string{match.FieldTitle: d.Title, match.FieldText: d.Text, match.FieldAuthor: d.Author, match.FieldURL: d.URL}
	var got []string
	for _, s := range res[0].Spans {
		got = append(got, s.Field+":"+fields[s.Field][s.Start:s.End])
	}
	return got
}

func TestNormalisation(t *testing.T) {
	tests := []struct {
		name  string
		query string
		text  string
		want  []string // text spans; nil: no match
	}{
		{"case", `DRILL`, "Drill drill DRILL", []string{"Drill", "drill", "DRILL"}},
		{"fullwidth", `drill`, "ｄｒｉｌｌ ＤＲＩＬＬ", []string{"ｄｒｉｌｌ", "ＤＲＩＬＬ"}},
		{"halfwidth kana", `データ`, "ﾃﾞｰﾀ", []string{"ﾃﾞｰﾀ"}},
		{"diacritics", `cafe`, "café CAFÉ cafe\u0301", []string{"café", "CAFÉ", "cafe\u0301"}},
		{"diacritics in the term", `café`, "cafe", []string{"cafe"}},
		{"diacritics kept with ~accents", `café~accents`, "cafe café", []string{"café"}},
		{"Cyrillic diacritics", `елка`, "Ёлка", []string{"Ёлка"}},
		{"Polish", `zolw`, "żółw", []string{"żółw"}},
		{"kana voicing is not a diacritic", `テータ`, "データ", nil},
		{"0 for o", `road`, "r0ad", []string{"r0ad"}},
		{"1 for i", `drill`, "dr1ll", []string{"dr1ll"}},
		{"1 for l", `drill`, "dri11", []string{"dri11"}},
		{"3 for e", `meet`, "m33t", []string{"m33t"}},
		{"4 for a", `party`, "p4rty", []string{"p4rty"}},
		{"5 for s", `sesh`, "5e5h", []string{"5e5h"}},
		{"@ for a", `party`, "p@rty", []string{"p@rty"}},
		{"$ for s inside", `cash`, "ca$h", []string{"ca$h"}},
		{"$ for s first", `shank`, "$hank", []string{"$hank"}},
		{"$$ at the end", `kiss`, "ki$$", []string{"ki$$"}},
		{"substitutes only from the text", `p4rty`, "party", nil},
		{"a term's digits are digits", `m25`, "m25 m2s", []string{"m25"}},
		{"~nosubs", `drill~nosubs`, "dr1ll drill", []string{"drill"}},
		{"dots", `drill`, "d.r.i.l.l", []string{"d.r.i.l.l"}},
		{"dashes, underscores, stars", `drill`, "d-r-i-l-l d_r_i_l_l d*r*i*l*l", []string{"d-r-i-l-l", "d_r_i_l_l", "d*r*i*l*l"}},
		{"separators and substitutes", `drill`, "D.R.1.L.L", []string{"D.R.1.L.L"}},
		{"initials", `uk`, "the U.K. and uk", []string{"U.K", "uk"}},
		{"~nojoin", `drill~nojoin`, "d.r.i.l.l drill", []string{"drill"}},
		{"words are not joined", `emailaddress`, "e-mail address", nil},
		{"spaces only with ~spaced", `drill`, "d r i l l", nil},
		{"~spaced", `drill~spaced`, "uk d r i l l tonight", []string{"d r i l l"}},
		{"~spaced needs single spaces", `drill~spaced`, "d r  i l l", nil},
		{"~spaced also plain", `drill~spaced`, "drill", []string{"drill"}},
		{"repeated letters", `drill`, "driiiill drilllll", []string{"driiiill", "drilllll"}},
		{"two is not repeated", `drill`, "driill", nil},
		{"repeated double letter", `good`, "goood", []string{"goood"}},
		{"repeats and substitutes", `kill`, "k1111", []string{"k1111"}},
		{"~norepeat", `drill~norepeat`, "driiiill drill", []string{"drill"}},
		{"~exact", `drill~exact`, "DRILL dr1ll d.r.i.l.l driiill", []string{"DRILL"}},
		{"emoji", `🔫`, "🔫 tonight", []string{"🔫"}},
		{"emoji variation selector", `❤`, "❤️ and ❤︎", []string{"❤️", "❤︎"}},
		{"variation selector in the term", `❤️`, "❤", []string{"❤"}},
		{"emoji skin tone", `👍`, "👍🏽", []string{"👍🏽"}},
		{"emoji between words do not break a phrase", `"free party"`, "free 🎉 party", []string{"free 🎉 party"}},
		{"emoji phrase", `"🔫 🔪"`, "🔫🔪", []string{"🔫🔪"}},
		{"flag", `"🇺🇦"`, "🇺🇦 rally", []string{"🇺🇦"}},
		{"Arabic harakat and tatweel", `محمد`, "مُحَمَّد مـحـمـد", []string{"مُحَمَّد", "مـحـمـد"}},
		{"sharp s", `strasse`, "Straße", []string{"Straße"}},
		{"Greek final sigma", `δρομος`, "ΔΡΟΜΟΣ", []string{"ΔΡΟΜΟΣ"}},
		// Invisible characters inside a word are dropped; the span still
		// covers the word as written.
		{"zero-width space", `rave`, "a ra\u200bve tonight", []string{"ra\u200bve"}},
		{"zero-width non-joiner", `rave`, "ra\u200cve", []string{"ra\u200cve"}},
		{"zero-width joiner", `rave`, "r\u200dave", []string{"r\u200dave"}},
		{"word joiner", `rave`, "rav\u2060e", []string{"rav\u2060e"}},
		{"byte order mark", `rave`, "ra\ufeffve", []string{"ra\ufeffve"}},
		{"soft hyphen", `rave`, "ra\u00adve", []string{"ra\u00adve"}},
		{"tag character", `rave`, "ra\U000E0041ve", []string{"ra\U000E0041ve"}},
		{"direction override", `rave`, "ra\u202eve", []string{"ra\u202eve"}},
		{"invisible characters everywhere", `"free rave"`, "\u200bf\u200dree\u00ad r\u2060a\ufeffv\u200ce", []string{"f\u200dree\u00ad r\u2060a\ufeffv\u200ce"}},
		{"an invisible character joins two words", `freeparty`, "free\u200bparty", []string{"free\u200bparty"}},
		{"invisible characters in the term", "ra\u200bve", "rave", []string{"rave"}},
		// Letters of other scripts that look like Latin ones read as their
		// skeleton (UTS #39), in the text and in the term.
		{"Cyrillic a", `rave`, "r\u0430ve RАVЕ", []string{"r\u0430ve", "RАVЕ"}},
		{"Greek omicron", `road`, "r\u03bfad", []string{"r\u03bfad"}},
		{"mixed scripts", `police`, "р\u043el\u0456\u0441е", []string{"р\u043el\u0456\u0441е"}},
		{"Cyrillic in the term", "r\u0430ve", "rave", []string{"rave"}},
		{"confusables and substitutes", `drill`, "dr\u04cf11", []string{"dr\u04cf11"}},
		{"confusables and invisible characters", `rave`, "r\u200b\u0430ve", []string{"r\u200b\u0430ve"}},
		{"a Cyrillic word matches itself", `привет`, "ПРИВЕТ", []string{"ПРИВЕТ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matchedTexts(t, tt.query, match.Doc{Text: tt.text})
			var want []string
			for _, w := range tt.want {
				want = append(want, "text:"+w)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s in %q: spans cover %q, want %q", tt.query, tt.text, got, want)
			}
		})
	}
}

func TestQueries(t *testing.T) {
	doc := match.Doc{
		Title:  "Drill night in Hackney",
		Text:   "Meet at the park tonight. #drill with @dj_k, no police. Free 🎉 party!",
		Author: "Bob Smith",
		URL:    "https://example.org/events/drill-night",
	}
	tests := []struct {
		query string
		want  []string // nil: no match
	}{
		{`drill`, []string{"title:Drill", "text:drill"}},
		{`drill hackney`, []string{"title:Drill", "title:Hackney", "text:drill"}},
		{`drill grime`, nil},
		{`drill OR grime`, []string{"title:Drill", "text:drill"}},
		{`drill -police`, nil},
		{`drill -met`, []string{"title:Drill", "text:drill"}},
		{`drill NOT (police OR met)`, nil},
		{`(grime OR drill) AND NOT met`, []string{"title:Drill", "text:drill"}},
		{`hack*`, []string{"title:Hackney"}},
		{`"meet" NEAR/3 "tonight"`, []string{"text:Meet", "text:tonight"}},
		{`"meet" NEAR/2 "tonight"`, nil},
		{`tonight NEAR/3 meet`, []string{"text:Meet", "text:tonight"}},
		{`"free party"`, []string{"text:Free 🎉 party"}},
		{`title:drill`, []string{"title:Drill"}},
		{`title:park`, nil},
		{`author:smith`, []string{"author:Smith"}},
		{`author:"bob smith"`, []string{"author:Bob Smith"}},
		{`smith`, nil},
		{`url:example`, []string{"url:example"}},
		{`url:"drill night"`, []string{"url:drill-night"}},
		{`#drill`, []string{"text:drill"}},
		{`#hackney`, nil},
		{`@dj`, []string{"text:dj"}},
		{`"dj k"`, []string{"text:dj_k"}},
		{`🎉 NEAR/0 party`, []string{"text:🎉", "text:party"}},
		{`drill -"drill night"`, nil},
		{`drill OR -police`, nil}, // not a valid query: see TestParseErrors
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if _, err := match.Parse(tt.query); err != nil {
				return
			}
			got := matchedTexts(t, tt.query, doc)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("spans cover %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSeverityAndTerms(t *testing.T) {
	m, err := match.Compile([]match.List{
		{ID: "crit", Query: `drill AND (tonight OR "free party") -police`, Severity: match.SeverityCritical},
		{ID: "plain", Terms: []string{"drill"}},
		{ID: "never", Query: `zebra`},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := m.Match(match.Doc{Text: "drill tonight, drill again"})
	if len(got) != 2 || got[0].ListID != "crit" || got[0].Severity != "critical" || got[1].Severity != "routine" {
		t.Fatalf("Match = %+v", got)
	}
	if !reflect.DeepEqual(got[0].Terms, []string{"drill", "tonight"}) {
		t.Errorf("Terms = %q", got[0].Terms)
	}
	if got[0].Score <= got[1].Score {
		t.Errorf("two terms found should score above one: %v, %v", got[0].Score, got[1].Score)
	}
}
