package watch

import "testing"

func TestReveal(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                            "plain",
		"safe\u202egnp.exe":                "safe[RLO]gnp.exe",
		"po\u200blice\u200dofficial":       "po[ZWSP]lice[ZWJ]official",
		"ra\u00adve\ufeff":                 "ra[SHY]ve[BOM]",
		"\u2066x\u2069 \u200e\u200f":       "[LRI]x[PDI] [LRM][RLM]",
		"hi\U000E0041\U000E007F":           "hi[TAG A][TAG]",
		"café 中文 🔥":                        "café 中文 🔥",
		"\xff invalid stays":               "\xff invalid stays",
		"emoji \U0001F468\u200d\U0001F469": "emoji \U0001F468[ZWJ]\U0001F469",
	} {
		if got := Reveal(in); got != want {
			t.Errorf("Reveal(%q) = %q, want %q", in, got, want)
		}
	}
}
