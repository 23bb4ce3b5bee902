// Package synth generates synthetic policy repositories at the scale of a
// long-lived group — many members, issues spread over years and a long signed
// history — for benchmarks and scale tests. Everything but the key material is
// determined by the seed (key generation reads the system's randomness).
package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/embargo-tool/embargo/tools/internal/gitsign"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/statement"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// Config sizes the repository.
type Config struct {
	Seed      uint64
	Members   int // member organisations, one person each (plus the coordinators' member)
	Issues    int // issue records, spread over the years before Now
	Commits   int // signed commits on main after the root commit
	PRCommits int // signed commits on branch "pr" on top of main
	RSAEvery  int // every n-th person gets an RSA-3072 key instead of Ed25519 (0: none)
	// UnsignedPR leaves the n-th commit of the pull request unsigned (1-based; 0: none),
	// for tests that a bad commit deep in a long range is found.
	UnsignedPR int
	Now        time.Time
}

// Result names what was generated.
type Result struct {
	Repo       *git.Repository
	Dir        string // "" for an in-memory repository
	Root, Main plumbing.Hash
	PR         plumbing.Hash // zero without PR commits
	// UnsignedCommit is the commit left unsigned by Config.UnsignedPR.
	UnsignedCommit plumbing.Hash
	Coordinators   []string // fingerprints (trust anchors for a full audit)
}

type person struct {
	id, member string
	signer     *pgp.Signer
	fpr        string
}

// policyValue is policyYAML as validate reads it, for the statements.
var policyValue = func() any {
	doc, err := yamldoc.Parse("policy.yaml", []byte(policyYAML))
	if err != nil {
		panic(err) // a constant that parses
	}
	return doc.Value()
}()

// Generate builds the repository in dir (a new folder): the files of main's tip
// in the working tree, and the history in .git. With dir "" the repository is
// kept in memory (history only), for tests of scale.
func Generate(dir string, cfg Config) (*Result, error) {
	if cfg.Now.IsZero() {
		return nil, fmt.Errorf("synth: Config.Now is required")
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	keyTime := cfg.Now.AddDate(-12, 0, 0).Truncate(24 * time.Hour)
	files := map[string][]byte{}
	files["policy.yaml"] = []byte(policyYAML)

	coordinators := []*person{}
	for i := 1; i <= 2; i++ {
		p, err := newPerson(fmt.Sprintf("coord-%d", i), "coordination", "ed25519", keyTime)
		if err != nil {
			return nil, err
		}
		coordinators = append(coordinators, p)
	}
	var people []*person
	for i := 1; i <= cfg.Members; i++ {
		algo := "ed25519"
		if cfg.RSAEvery > 0 && i%cfg.RSAEvery == 0 {
			algo = "rsa3072"
		}
		p, err := newPerson(fmt.Sprintf("p%04d", i), fmt.Sprintf("m%04d", i), algo, keyTime)
		if err != nil {
			return nil, err
		}
		people = append(people, p)
	}
	signedAt := keyTime.Add(24 * time.Hour)
	if err := memberFile(files, "coordination", true, coordinators, nil, signedAt); err != nil {
		return nil, err
	}
	for _, p := range people {
		if err := memberFile(files, p.member, false, []*person{p}, coordinators[0], signedAt); err != nil {
			return nil, err
		}
	}
	files["roles/coordinators.yaml"] = []byte(fmt.Sprintf("coordinators: [%s, %s]\n", coordinators[0].id, coordinators[1].id))
	files["roles/tasks.yaml"] = []byte("tasks:\n  - id: T1\n    kind: technical\n    description: Confirm receipt and ask for a disclosure date\n    primary: coordination\n    backup: " + people[0].member + "\n")
	files["roles/ambassadors.yaml"] = []byte("ambassadors: []\n")

	issues := make([]issue, cfg.Issues)
	years := 10
	for i := range issues {
		notified := cfg.Now.Add(-time.Duration(rng.Int64N(int64(years)*365*24)) * time.Hour).Add(-30 * 24 * time.Hour).Truncate(time.Hour)
		team := pick(rng, people, 1+rng.IntN(3))
		issues[i] = issue{
			id:       fmt.Sprintf("EMB-%d-%04d", notified.Year(), 0), // numbered below
			handler:  team[0],
			team:     team,
			notified: notified,
			length:   time.Duration(1+rng.IntN(14*24-1)) * time.Hour,
			severity: []string{"medium", "high", "critical"}[rng.IntN(3)],
		}
	}
	sort.SliceStable(issues, func(i, j int) bool { return issues[i].notified.Before(issues[j].notified) })
	perYear := map[int]int{}
	for i := range issues {
		y := issues[i].notified.Year()
		perYear[y]++
		issues[i].id = fmt.Sprintf("EMB-%d-%04d", y, perYear[y])
		files[issues[i].path()] = issues[i].yaml(0)
	}

	var repo *git.Repository
	var err error
	if dir == "" {
		repo, err = git.Init(memory.NewStorage(), nil)
	} else {
		repo, err = git.PlainInit(dir, false)
	}
	if err != nil {
		return nil, err
	}
	tb := gitsign.NewTreeBuilder(repo.Storer)
	for p, content := range files {
		if err := tb.Set(p, content); err != nil {
			return nil, err
		}
	}
	res := &Result{Repo: repo, Dir: dir, Coordinators: []string{coordinators[0].fpr, coordinators[1].fpr}}
	when := cfg.Now.Add(-time.Duration(cfg.Commits+cfg.PRCommits+10) * time.Minute)
	commit := func(parent plumbing.Hash, who *person, msg string, unsigned bool) (plumbing.Hash, error) {
		tree, err := tb.Write()
		if err != nil {
			return plumbing.ZeroHash, err
		}
		var parents []plumbing.Hash
		if !parent.IsZero() {
			parents = []plumbing.Hash{parent}
		}
		when = when.Add(time.Minute)
		signer := who.signer
		if unsigned {
			signer = nil
		}
		return gitsign.Write(repo.Storer, gitsign.Commit{Tree: tree, Parents: parents, Name: who.id, Email: who.id + "@example.org", When: when, Message: msg, Signer: signer})
	}
	if res.Root, err = commit(plumbing.ZeroHash, coordinators[0], "Import the synthetic group\n", false); err != nil {
		return nil, err
	}
	head := res.Root
	edits := map[int]int{}
	change := func(n int) (*person, string, error) {
		i := rng.IntN(len(issues))
		edits[i]++
		is := issues[i]
		content := is.yaml(edits[i])
		files[is.path()] = content
		signer := is.team[rng.IntN(len(is.team))]
		if rng.IntN(10) == 0 {
			signer = coordinators[rng.IntN(2)]
		}
		return signer, fmt.Sprintf("%s: update notes (%d)\n", is.id, n), tb.Set(is.path(), content)
	}
	for n := 1; n <= cfg.Commits; n++ {
		who, msg, err := change(n)
		if err != nil {
			return nil, err
		}
		if head, err = commit(head, who, msg, false); err != nil {
			return nil, err
		}
	}
	res.Main = head
	if err := setBranch(repo, "main", head); err != nil {
		return nil, err
	}
	for n := 1; n <= cfg.PRCommits; n++ {
		who, msg, err := change(cfg.Commits + n)
		if err != nil {
			return nil, err
		}
		if head, err = commit(head, who, msg, n == cfg.UnsignedPR); err != nil {
			return nil, err
		}
		if n == cfg.UnsignedPR {
			res.UnsignedCommit = head
		}
		res.PR = head
	}
	if cfg.PRCommits > 0 {
		if err := setBranch(repo, "pr", head); err != nil {
			return nil, err
		}
	}
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("main"))); err != nil {
		return nil, err
	}
	if dir == "" {
		return res, nil
	}
	// The working tree holds the tip's files, so `validate` without --rev sees them too.
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(full, content, 0o644); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func setBranch(repo *git.Repository, name string, h plumbing.Hash) error {
	return repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(name), h))
}

func newPerson(id, member, algo string, created time.Time) (*person, error) {
	s, err := pgp.NewSigner(algo, id+" SYNTHETIC TEST KEY", id+"@example.org", created)
	if err != nil {
		return nil, err
	}
	return &person{id: id, member: member, signer: s, fpr: s.Fingerprint()}, nil
}

func pick(rng *rand.Rand, people []*person, n int) []*person {
	out := []*person{}
	for _, i := range rng.Perm(len(people))[:min(n, len(people))] {
		out = append(out, people[i])
	}
	return out
}

// memberFile writes one member with its people's key files, acceptances and vouch.
func memberFile(files map[string][]byte, id string, founding bool, people []*person, voucher *person, at time.Time) error {
	var b strings.Builder
	fmt.Fprintf(&b, "id: %s\nname: Synthetic member %s\nkind: distro\nlists: [linux-distros]\nstatus: active\njoined: %s\ncontact: security@%s.example.org\n", id, id, at.Format("2006-01-02"), id)
	if founding {
		b.WriteString("founding: true\n")
	} else {
		ids := make([]string, len(people))
		for i, p := range people {
			ids[i] = p.id
		}
		v := statement.Vouch{Member: id, Lists: []string{"linux-distros"}, People: ids, Voucher: voucher.id}
		sig, err := voucher.signer.SignDetached([]byte(v.ForPolicy(policyValue).Text()), at)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "vouch:\n  by: %s\n  signature: |\n%s", voucher.id, indent(string(sig), "    "))
	}
	b.WriteString("people:\n")
	for _, p := range people {
		a := statement.Acceptance{Person: p.id, Member: id, Key: p.fpr, Lists: []string{"linux-distros"}}
		sig, err := p.signer.SignDetached([]byte(a.ForPolicy(policyValue).Text()), at)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "  - id: %s\n    name: Person %s\n    email: %s@example.org\n    keys: [%s]\n    acceptance: |\n%s", p.id, p.id, p.id, p.fpr, indent(string(sig), "      "))
		pub, err := p.signer.PublicArmored()
		if err != nil {
			return err
		}
		files["members/keys/"+p.fpr+".asc"] = pub
	}
	files["members/"+id+".yaml"] = []byte(b.String())
	return nil
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

type issue struct {
	id       string
	handler  *person
	team     []*person
	notified time.Time
	length   time.Duration
	severity string
}

func (is issue) path() string { return fmt.Sprintf("issues/%d/%s.yaml", is.notified.Year(), is.id) }

func (is issue) yaml(edit int) []byte {
	const ts = time.RFC3339
	team := make([]string, len(is.team))
	for i, p := range is.team {
		team[i] = p.id
	}
	disclosure := is.notified.Add(is.length)
	var b strings.Builder
	fmt.Fprintf(&b, "id: %s\nlist: linux-distros\nstatus: disclosed\ntitle: Synthetic issue %s\nsummary: A synthetic record for benchmarks.\n", is.id, is.id)
	fmt.Fprintf(&b, "severity: %s\ntlp: TLP:CLEAR\nreporter: {name: Synthetic Reporter, email: reporter@example.net, credit_consent: true}\n", is.severity)
	fmt.Fprintf(&b, "handler: %s\nresponse_team: [%s]\n", is.handler.id, strings.Join(team, ", "))
	fmt.Fprintf(&b, "dates:\n  reported: %s\n  notified: %s\n  proposed: %s\n  disclosure: %s\n  disclosed: %s\n",
		is.notified.Add(-24*time.Hour).Format(ts), is.notified.Format(ts), disclosure.Format(ts), disclosure.Format(ts), disclosure.Add(5*time.Minute).Format(ts))
	// One CVE per record, from its id: a CVE two records claim is id.duplicate.
	fmt.Fprintf(&b, "public_posting: https://lists.example.org/oss-security/%s\ncves: [CVE-%d-9%s]\n", is.id, is.notified.Year(), is.id[len("EMB-2006-"):])
	fmt.Fprintf(&b, "affected:\n  - {product: synthetic-%d, versions: \"< 1.%d\"}\n", is.notified.YearDay(), edit+1)
	fmt.Fprintf(&b, "public: {title: Synthetic issue %s, credit: Synthetic Reporter}\nnotes: edited %s\n", is.id, plural.Of(edit, "time"))
	return []byte(b.String())
}

const policyYAML = `version: "2026-1"
group: synthetic.example.org
name: Synthetic group
lists:
  linux-distros:
    description: Synthetic list
    max_embargo: 14d
    preferred_embargo: 14d
    min_embargo: 1h
    exploit_delay: 7d
    posting_grace: 24h
    disclosure_grace: 24h
    embargo_severities: [medium, high, critical]
access:
  - paths: [policy.yaml, "roles/**"]
    allow: [coordinators]
  - paths: ["members/*.yaml"]
    allow: [coordinators, own-member]
  - paths: ["members/keys/*.asc"]
    allow: [coordinators, key-owner]
  - paths: ["issues/**"]
    allow: [coordinators, issue-team]
mergers: []
publication:
  title: Synthetic timeline
  base_url: https://security.example.org/synthetic/
  author: Synthetic coordinators
  withdrawn: omit
`
