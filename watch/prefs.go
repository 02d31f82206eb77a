package watch

// BoardPrefs are how one person wants a board to draw their attention to
// new hits: the severities that sound a tone and those that raise a
// desktop notification. Both are opt-in: empty means neither.
type BoardPrefs struct {
	Sound  []string `json:"sound"`
	Notify []string `json:"notify"`
}

// Valid reports whether every severity named is one watch lists use.
func (p BoardPrefs) Valid() bool {
	for _, list := range [][]string{p.Sound, p.Notify} {
		if len(list) > 3 {
			return false
		}
		for _, s := range list {
			switch s {
			case "critical", "high", "routine":
			default:
				return false
			}
		}
	}
	return true
}
