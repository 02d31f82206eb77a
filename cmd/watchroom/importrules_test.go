package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The table "Packages and what each may import" in docs/architecture.md is
// the import rules; this test holds the code to it. Its last column is
// "nothing of the project", "everything", or packages in backticks, where
// `x/*` is any package under x (not x itself); "everything" or packages may
// be followed by "except" and packages in backticks that are not allowed.
// Words outside backticks are for the reader. Every project package needs
// a row (a row's package may be `x/*` too; an exact row wins), so a new
// package cannot slip past the table.

const importTableHeading = "## Packages and what each may import"

// importRule is one row of the table.
type importRule struct {
	pkg   string   // a package, or x/* for every package under x
	all   bool     // "everything"
	allow []string // packages and x/* patterns; empty: nothing of the project
	deny  []string // "except" these, even when allow or all covers them
}

// pkgImports is one package of the project and the project packages it
// imports, both relative to the module.
type pkgImports struct {
	pkg     string
	imports []string
}

var backticked = regexp.MustCompile("`([^`]+)`")

// parseImportRules reads the table under importTableHeading.
func parseImportRules(doc string) ([]importRule, error) {
	_, after, ok := strings.Cut(doc, importTableHeading+"\n")
	if !ok {
		return nil, fmt.Errorf("no %q section", importTableHeading)
	}
	var rules []importRule
	seen := map[string]bool{}
	inTable := false
	sc := bufio.NewScanner(strings.NewReader(after))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break // the table ended
			}
			if strings.HasPrefix(line, "#") {
				break // the next section, and no table
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			return nil, fmt.Errorf("row %q: %d columns, want 3 (package | job | may import)", line, len(cells))
		}
		first, last := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[2])
		if first == "package" || strings.Trim(first, "-: ") == "" {
			continue // the header and its rule
		}
		m := backticked.FindAllStringSubmatch(first, -1)
		if len(m) != 1 || strings.TrimSpace(strings.ReplaceAll(first, m[0][0], "")) != "" {
			return nil, fmt.Errorf("row %q: the package column must be one package in backticks", line)
		}
		r := importRule{pkg: m[0][1]}
		if seen[r.pkg] {
			return nil, fmt.Errorf("two rows for %s", r.pkg)
		}
		seen[r.pkg] = true
		head, except, hasExcept := strings.Cut(last, " except ")
		switch strings.TrimSpace(head) {
		case "everything":
			r.all = true
		case "nothing of the project":
			if hasExcept {
				return nil, fmt.Errorf("row for %s: nothing of the project has no exceptions", r.pkg)
			}
		default:
			r.allow = packagesIn(head)
			if len(r.allow) == 0 {
				return nil, fmt.Errorf("row for %s: %q is not \"everything\", \"nothing of the project\" or packages in backticks", r.pkg, last)
			}
		}
		if r.deny = packagesIn(except); hasExcept && len(r.deny) == 0 {
			return nil, fmt.Errorf("row for %s: no package in backticks after \"except\" in %q", r.pkg, last)
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return nil, errors.New("the import table has no rows")
	}
	return rules, nil
}

// packagesIn returns the backticked names in s.
func packagesIn(s string) []string {
	var out []string
	for _, m := range backticked.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// matches says whether pattern (a package or x/*) covers pkg.
func matches(pattern, pkg string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "/*"); ok {
		return strings.HasPrefix(pkg, prefix+"/")
	}
	return pattern == pkg
}

// ruleFor is pkg's own row, else the row of the longest x/* covering it.
func ruleFor(rules []importRule, pkg string) (importRule, bool) {
	var best importRule
	found := false
	for _, r := range rules {
		if r.pkg == pkg {
			return r, true
		}
		if matches(r.pkg, pkg) && (!found || len(r.pkg) > len(best.pkg)) {
			best, found = r, true
		}
	}
	return best, found
}

// checkImports lists every breach of the rules: a package without a row,
// an import its row does not allow, and a row (or an allowed entry) that
// names no package of the project.
func checkImports(rules []importRule, pkgs []pkgImports) []string {
	var problems []string
	exists := func(pattern string) bool {
		return slices.ContainsFunc(pkgs, func(p pkgImports) bool { return matches(pattern, p.pkg) })
	}
	for _, r := range rules {
		if !strings.HasSuffix(r.pkg, "/*") && !exists(r.pkg) {
			problems = append(problems, fmt.Sprintf("the table has a row for %s, which is no package", r.pkg))
		}
		for _, a := range r.allow {
			if !exists(a) {
				problems = append(problems, fmt.Sprintf("the row for %s allows %s, which is no package", r.pkg, a))
			}
		}
		for _, d := range r.deny {
			if !exists(d) {
				problems = append(problems, fmt.Sprintf("the row for %s excepts %s, which is no package", r.pkg, d))
			}
		}
	}
	for _, p := range pkgs {
		r, ok := ruleFor(rules, p.pkg)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s has no row in the table: add one with what it may import", p.pkg))
			continue
		}
		for _, imp := range p.imports {
			covered := func(patterns []string) bool {
				return slices.ContainsFunc(patterns, func(a string) bool { return matches(a, imp) })
			}
			if (!r.all && !covered(r.allow)) || covered(r.deny) {
				problems = append(problems, fmt.Sprintf("%s imports %s, which its row (%s) does not allow", p.pkg, imp, r.pkg))
			}
		}
	}
	return problems
}

// moduleRoot is the folder of the go.mod above the working directory, and
// the module's path.
func moduleRoot(t *testing.T) (dir, module string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir = wd; ; dir = filepath.Dir(dir) {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if m, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(m), `"`)
				}
			}
			t.Fatalf("%s/go.mod names no module", dir)
		}
		if filepath.Dir(dir) == dir {
			t.Fatalf("no go.mod above %s", wd)
		}
	}
}

// projectImports runs go list over the module and keeps, for each package
// of the project, the project packages its non-test files import.
func projectImports(t *testing.T, root, module string) []pkgImports {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	rel := func(path string) (string, bool) {
		return strings.CutPrefix(path, module+"/")
	}
	var pkgs []pkgImports
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		name, ok := rel(p.ImportPath)
		if !ok {
			t.Fatalf("go list gave %s, outside the module %s", p.ImportPath, module)
		}
		pi := pkgImports{pkg: name}
		for _, imp := range p.Imports {
			if r, ok := rel(imp); ok {
				pi.imports = append(pi.imports, r)
			}
		}
		pkgs = append(pkgs, pi)
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages")
	}
	return pkgs
}

func TestImportRules(t *testing.T) {
	root, module := moduleRoot(t)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	rules, err := parseImportRules(string(doc))
	if err != nil {
		t.Fatalf("docs/architecture.md: %v", err)
	}
	for _, p := range checkImports(rules, projectImports(t, root, module)) {
		t.Errorf("docs/architecture.md, %q: %s", importTableHeading[3:], p)
	}
}

// The checker itself, on a table and imports made up for it.
func TestImportRulesChecker(t *testing.T) {
	doc := "# x\n\n" + importTableHeading + "\n\n" +
		"| package | job | may import |\n|---|---|---|\n" +
		"| `cmd/tool` | main | everything |\n" +
		"| `cmd/tool/*` | its parts | `core`, `core/*` |\n" +
		"| `cmd/tool/special` | one part | `core` only |\n" +
		"| `core` | types | `core/pure` (pure) only |\n" +
		"| `core/pure` | pure | nothing of the project |\n" +
		"| `core/*` | helpers | `core` |\n" +
		"| `web` | server | `core`, `core/*` |\n" +
		"| `alarm` | rules | `core`, `core/*` except `core/store` (tests may open one) |\n" +
		"| `tools` | scripts | everything except `cmd/tool`, `cmd/tool/*` |\n" +
		"\nNothing imports `cmd`.\n\n| a | later | table |\n|---|---|---|\n| `other` | x | everything |\n"
	rules, err := parseImportRules(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 9 {
		t.Fatalf("%d rows, want 9 (the table after the first is not the rules): %+v", len(rules), rules)
	}
	pkgs := []pkgImports{
		{"cmd/tool", []string{"web", "core", "cmd/tool/a"}},              // everything: fine
		{"cmd/tool/a", []string{"core", "core/pure"}},                    // by cmd/tool/*: fine
		{"cmd/tool/special", []string{"core/pure"}},                      // its own row wins over cmd/tool/*
		{"core", []string{"core/pure"}},                                  // fine
		{"core/pure", []string{"core"}},                                  // nothing of the project
		{"core/store", []string{"core", "web"}},                          // by core/*: web is not allowed
		{"core/store/sql", []string{"core"}},                             // core/* covers it too
		{"web", []string{"core/store/sql", "cmd/tool"}},                  // deep under core/*: fine; cmd/tool is not
		{"alarm", []string{"core/pure", "core/store/sql", "core/store"}}, // core/store is excepted; core/store/sql is not
		{"tools", []string{"web", "cmd/tool/a"}},                         // everything but cmd/tool and under it
		{"stray", nil},                                                   // no row
	}
	got := checkImports(rules, pkgs)
	want := []string{
		"alarm imports core/store, which its row (alarm) does not allow",
		"cmd/tool/special imports core/pure, which its row (cmd/tool/special) does not allow",
		"core/pure imports core, which its row (core/pure) does not allow",
		"core/store imports web, which its row (core/*) does not allow",
		"stray has no row in the table: add one with what it may import",
		"tools imports cmd/tool/a, which its row (tools) does not allow",
		"web imports cmd/tool, which its row (web) does not allow",
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// when the code keeps to the rules, nothing is reported
	lawful := []pkgImports{
		{"cmd/tool", []string{"web", "cmd/tool/a"}},
		{"cmd/tool/a", []string{"core", "core/pure"}},
		{"cmd/tool/special", []string{"core"}},
		{"core", []string{"core/pure"}},
		{"core/pure", nil},
		{"core/store", []string{"core"}},
		{"web", []string{"core", "core/store"}},
		{"alarm", []string{"core", "core/pure"}},
		{"tools", []string{"web", "core/store"}},
	}
	if p := checkImports(rules, lawful); len(p) != 0 {
		t.Fatalf("problems with lawful imports: %v", p)
	}

	// a row or an allowed entry naming no package is drift too
	stale := append(slices.Clone(rules), importRule{pkg: "gone", allow: []string{"core/nowhere/*"}})
	got = checkImports(stale, lawful)
	want = []string{
		"the row for gone allows core/nowhere/*, which is no package",
		"the table has a row for gone, which is no package",
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Fatalf("stale rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestImportRulesTableErrors(t *testing.T) {
	head := importTableHeading + "\n\n| package | job | may import |\n|---|---|---|\n"
	for _, tc := range []struct{ name, doc, want string }{
		{"no section", "# nothing here\n", "no "},
		{"no rows", head, "no rows"},
		{"prose in the last column", head + "| `a` | job | whatever it likes |\n", "is not"},
		{"two packages in one row", head + "| `a`, `b` | job | everything |\n", "one package"},
		{"a package twice", head + "| `a` | job | everything |\n| `a` | job | everything |\n", "two rows"},
		{"a missing column", head + "| `a` | everything |\n", "columns"},
		{"except nothing named", head + "| `a` | job | everything except the tests |\n", "after \"except\""},
		{"nothing except", head + "| `a` | job | nothing of the project except `b` |\n", "no exceptions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseImportRules(tc.doc)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
