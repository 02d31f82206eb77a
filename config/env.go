package config

// env applies environment overrides, checking each value as the file's own
// would be. Such a problem names the variable in place of the file, since
// the file is not where the value came from.
func (d *decoder) env(lookup func(string) string, f *File) {
	if lookup == nil {
		return
	}
	overrides := []struct {
		name, path string
		dst        *string
		parse      func(string) (string, error)
	}{
		{"WATCHROOM_LISTEN", "server.listen", &f.Server.Listen, parseListen},
		{"WATCHROOM_DATA_DIR", "server.data_dir", &f.Server.DataDir, nonEmpty},
	}
	for _, o := range overrides {
		v := lookup(o.name)
		if v == "" {
			continue
		}
		s, err := o.parse(v)
		if err != nil {
			d.probs = append(d.probs, Problem{File: "$" + o.name, Path: o.path, Msg: err.Error()})
			continue
		}
		*o.dst = s
		if o.name == "WATCHROOM_LISTEN" {
			d.listenFromEnv = true
		}
	}
}
