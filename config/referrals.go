package config

// Referrals are how the hub refers content to the platforms for removal.
type Referrals struct {
	// RequireCapture refuses a referral of content that has no evidence
	// capture yet, so a removal never destroys the evidence (default on).
	RequireCapture bool
	// Check is the cron spec of the removal checks (default "@every 6h").
	Check string
	// Platforms to refer to; DefaultPlatforms when the file names none.
	Platforms []Platform
}

// Platform is a service content is referred to.
type Platform struct {
	ID         string   // short id, e.g. youtube
	Name       string   // as people say it, e.g. YouTube
	Channel    string   // how to report: trusted flagger portal, e-mail, API (free text or URL)
	Categories []string // the platform's policy categories a referral names
	ChaseDays  int      // a referral with no outcome after this many days is chased
	// Unavailable are phrases of the platform's "content unavailable"
	// page; a removal check that finds one records the content unavailable.
	Unavailable []string
	// Hosts are the host names of the platform's content (and their
	// subdomains), to propose the platform for a URL.
	Hosts []string
	Line  int
}

// DefaultChaseDays is the chase-after period of a platform that gives none.
const DefaultChaseDays = 7

// DefaultReferralCheck is how often pending referrals are re-checked.
const DefaultReferralCheck = "@every 6h"

var platformKeys = []string{"id", "name", "channel", "categories", "chase_after_days", "unavailable", "hosts"}

func (d *decoder) referrals(sec field, r *Referrals) {
	fs, ok := d.fields(sec.val, sec.path, "require_capture", "check", "platforms")
	if !ok {
		return
	}
	scalar(d, fs["require_capture"], &r.RequireCapture, parseBool)
	if f, ok := fs["check"]; ok && f.val != nil {
		scalar(d, f, &r.Check, d.parseSchedule)
	}
	entries, _ := d.items(fs["platforms"])
	ids := map[string]int{}
	var out []Platform
	for _, e := range entries {
		pf, ok := d.fields(e.val, e.path, platformKeys...)
		if !ok {
			continue
		}
		d.require(e.val, e.path, pf, "id", "name", "channel")
		p := Platform{ID: d.id(pf["id"], "platform", ids), ChaseDays: DefaultChaseDays, Line: e.val.Line}
		scalar(d, pf["name"], &p.Name, nonEmpty)
		scalar(d, pf["channel"], &p.Channel, nonEmpty)
		scalar(d, pf["chase_after_days"], &p.ChaseDays, parseCount)
		p.Categories = d.texts(pf["categories"])
		p.Unavailable = d.texts(pf["unavailable"])
		p.Hosts = d.texts(pf["hosts"])
		out = append(out, p)
	}
	if len(out) > 0 {
		r.Platforms = out
	}
}

// texts reads a list of non-empty strings.
func (d *decoder) texts(f field) []string {
	entries, _ := d.items(f)
	var out []string
	for _, e := range entries {
		var s string
		if scalar(d, e, &s, nonEmpty) {
			out = append(out, s)
		}
	}
	return out
}

// DefaultPlatforms are the services a UK gang hub refers content to most,
// used when the file names none. The "unavailable" phrases are those the
// platforms show on a removed item's page at the time of writing; check
// them against a real removed item before relying on them.
func DefaultPlatforms() []Platform {
	p := func(id, name, channel string, days int, hosts, unavailable []string, cats ...string) Platform {
		return Platform{ID: id, Name: name, Channel: channel, ChaseDays: days, Hosts: hosts, Unavailable: unavailable, Categories: cats}
	}
	return []Platform{
		p("youtube", "YouTube", "Priority Flagger programme (trusted flagger portal)", 7,
			[]string{"youtube.com", "youtu.be"}, []string{"This video isn't available anymore", "This video has been removed", "Video unavailable"},
			"Violent criminal organisations", "Violent or graphic content", "Harassment and cyberbullying", "Hate speech", "Firearms"),
		p("tiktok", "TikTok", "Law enforcement / trusted flagger portal", 7,
			[]string{"tiktok.com"}, []string{"Video currently unavailable", "Couldn't find this account"},
			"Violent and criminal behaviour", "Hate speech", "Harassment and bullying", "Illegal activities and regulated goods"),
		p("instagram", "Instagram", "Meta trusted partner channel", 7,
			[]string{"instagram.com"}, []string{"Sorry, this page isn't available"},
			"Dangerous organisations and individuals", "Violence and incitement", "Bullying and harassment", "Restricted goods"),
		p("snapchat", "Snapchat", "Snap law enforcement portal", 7,
			[]string{"snapchat.com"}, []string{"This content was not found", "Sorry, this page does not exist"},
			"Threats and violence", "Illegal or regulated activities", "Harassment and bullying"),
		p("x", "X", "Legal request portal", 10,
			[]string{"x.com", "twitter.com"}, []string{"This post is unavailable", "This account doesn't exist", "Hmm...this page doesn't exist"},
			"Violent speech", "Violent and hateful entities", "Abuse and harassment", "Illegal or certain regulated goods"),
		p("facebook", "Facebook", "Meta trusted partner channel", 7,
			[]string{"facebook.com", "fb.watch"}, []string{"This content isn't available right now", "This page isn't available"},
			"Dangerous organisations and individuals", "Violence and incitement", "Bullying and harassment", "Restricted goods"),
		p("telegram", "Telegram", "e-mail: abuse@telegram.org", 14,
			[]string{"t.me", "telegram.me", "telegram.org"}, []string{"This channel can't be displayed", "If you have Telegram, you can contact"},
			"Violence", "Illegal goods", "Other"),
		p("soundcloud", "SoundCloud", "Trust and safety contact form", 14,
			[]string{"soundcloud.com"}, []string{"this track is not available", "We can't find that track"},
			"Violent content", "Hate speech", "Harassment"),
		p("spotify", "Spotify", "Platform rules report form", 14,
			[]string{"spotify.com"}, []string{"Page not found", "content is not available"},
			"Violent content", "Hate content", "Illegal content"),
		p("discord", "Discord", "Trust and safety report (API / web form)", 7,
			[]string{"discord.com", "discord.gg"}, []string{"Invite Invalid", "This invite may be expired"},
			"Violent extremism", "Threats", "Harassment", "Illegal goods"),
		p("other", "Other", "Free text: record the contact used", 14, nil, nil,
			"Threats of violence", "Incitement", "Other"),
	}
}
