package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/export"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

func init() {
	commands["export-keys"] = runExportKeys
	commands["export"] = runExport
}

// runExportKeys writes the armored keyring of a list's subscribers to stdout.
func runExportKeys(e *env, args []string) error {
	fs := newFlags(e, "export-keys")
	repo := fs.String("repo", ".", "the policy repository")
	nowFlag := fs.String("now", "", "keys must be valid at this time (RFC 3339); default: now")
	list := fs.String("list", "", "the list whose subscribers' keys to export")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	subs, _, err := subscribers(e, *repo, *list, *nowFlag)
	if err != nil {
		return err
	}
	keys := export.AllKeys(subs)
	warnEncrypt(e, subs)
	return export.Keyring(e.stdout, keys)
}

// runExport writes what a list server needs: `export remail` or `export schleuder`.
func runExport(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("use 'embargo export remail --list L --out DIR' or 'embargo export schleuder --list L --current FILE'", "export needs a target: remail or schleuder")
	}
	switch args[0] {
	case "remail":
		return runExportRemail(e, args[1:])
	case "schleuder":
		return runExportSchleuder(e, args[1:])
	}
	return usagef("the targets are remail and schleuder (and embargo export-keys for a plain keyring)", "unknown export target %q", args[0])
}

func runExportRemail(e *env, args []string) error {
	fs := newFlags(e, "export remail")
	repo := fs.String("repo", ".", "the policy repository")
	nowFlag := fs.String("now", "", "keys must be valid at this time (RFC 3339); default: now")
	list := fs.String("list", "", "the list to export")
	out := fs.String("out", "", "the remail list folder to write list.yaml and keys.asc into")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("name the folder: --out DIR (remail's lists/<list>/ folder, or a staging folder)", "export remail needs --out")
	}
	if err := checkRepo(*repo); err != nil {
		return err
	}
	if err := checkOutside("--out", "public/", *repo, *out); err != nil {
		return err
	}
	subs, now, err := subscribers(e, *repo, *list, *nowFlag)
	if err != nil {
		return err
	}
	entries, keys, skips, err := export.RemailEntries(subs)
	if err != nil {
		return usagef("give each person their own address in members/", "%v", err)
	}
	warnSkips(e, skips)
	warnEncrypt(e, subs)
	listYAML, err := export.RemailList(*list, now, entries)
	if err != nil {
		return err
	}
	var ring bytes.Buffer
	if err := export.Keyring(&ring, keys); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	// Only these two files: never remail.yaml (the lists' private keys) or tracking.yaml.
	for _, f := range []struct {
		name string
		data []byte
	}{{export.RemailListFile, listYAML}, {export.RemailKeysFile, ring.Bytes()}} {
		path := filepath.Join(*out, f.name)
		if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
			return usagef("remove it or pick another --out", "%s exists and is not a regular file", path)
		}
		if err := replaceFile(path, f.data, 0o644); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, path)
	}
	e.hintf("import %s into the list's keyring: gpg --homedir LISTDIR/.gnupg --import %s", export.RemailKeysFile, filepath.Join(*out, export.RemailKeysFile))
	return nil
}

func runExportSchleuder(e *env, args []string) error {
	fs := newFlags(e, "export schleuder")
	repo := fs.String("repo", ".", "the policy repository")
	nowFlag := fs.String("now", "", "keys must be valid at this time (RFC 3339); default: now")
	list := fs.String("list", "", "the list to export")
	current := fs.String("current", "", "the list's current subscriptions, one 'email fingerprint' per line ('-' for stdin)")
	address := fs.String("address", "", "the schleuder list's address; default: $SCHLEUDER_LIST when the script runs")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if *current == "" {
		return usagef("save 'schleuder-cli subscriptions list LIST@HOST' to a file and pass it (use /dev/null for a new list)", "export schleuder needs --current")
	}
	if err := export.CheckAddress(*address); err != nil {
		return usagef("write it like --address linux-distros@lists.example.org", "%v", err)
	}
	subs, now, err := subscribers(e, *repo, *list, *nowFlag)
	if err != nil {
		return err
	}
	f := os.Stdin
	if *current != "-" {
		if f, err = os.Open(*current); err != nil {
			return usagef("pass the saved output of 'schleuder-cli subscriptions list'", "cannot read --current: %v", errors.Unwrap(err))
		}
		defer f.Close()
	}
	cur, err := export.ParseSubscriptions(f)
	if err != nil {
		return usagef("one 'email fingerprint' per line, as schleuder-cli subscriptions list prints", "%s: %v", *current, err)
	}
	warnEncrypt(e, subs)
	if err := export.SchleuderPlan(subs, cur).Script(e.stdout, *list, *address, now); err != nil {
		return usagef("write it like --address linux-distros@lists.example.org", "%v", err)
	}
	return nil
}

// subscribers checks the common flags and loads the list's subscribers,
// warning about what was left out.
func subscribers(e *env, repo, list, nowFlag string) ([]export.Subscriber, time.Time, error) {
	if list == "" {
		return nil, time.Time{}, usagef("name the list: --list linux-distros", "export needs --list")
	}
	now, err := parseNow(nowFlag)
	if err != nil {
		return nil, now, err
	}
	if err := checkRepo(repo); err != nil {
		return nil, now, err
	}
	src := source.Dir{Root: repo}
	var out finding.List
	st, err := state.Load(src, &out)
	if err != nil {
		return nil, now, err
	}
	warnLoad(e, out.Sorted())
	subs, skips, err := export.Subscribers(st, src, list, now)
	if errors.Is(err, export.ErrUnknownList) {
		return nil, now, usagef("use a key of policy.yaml lists", "%v", err)
	}
	if err != nil {
		return nil, now, err
	}
	warnSkips(e, skips)
	if len(subs) == 0 {
		e.warnf("list %s has no subscribers with a usable key at %s", list, now.UTC().Format(time.RFC3339))
	}
	return subs, now, nil
}

func warnSkips(e *env, skips []export.Skip) {
	for _, s := range skips {
		if s.Fingerprint != "" {
			e.warnf("left out key %s of %s: %s", s.Fingerprint, s.Person, s.Reason)
		} else {
			e.warnf("left out %s: %s", s.Person, s.Reason)
		}
	}
}

// warnEncrypt names the exported keys a list server cannot encrypt to.
func warnEncrypt(e *env, subs []export.Subscriber) {
	n := 0
	for _, s := range subs {
		for _, k := range s.Keys {
			if !k.CanEncrypt {
				n++
				e.warnf("key %s of %s has no encryption subkey; a list server cannot encrypt mail to it", k.Fingerprint, s.Person)
			}
		}
	}
	if n > 0 {
		e.hintf("add one with gpg --quick-add-key FINGERPRINT cv25519 encr, then update members/keys/FINGERPRINT.asc")
	}
}
