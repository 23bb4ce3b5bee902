package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/embargo-tool/embargo/tools/internal/author"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/statement"
)

func init() {
	commands["sign"] = runSign
	helps["sign"] = help{
		usage: "embargo sign acceptance --person ID | vouch --member ID --voucher ID | teammate --person ID --voucher ID  (--gpg | --attach FILE) [--repo DIR] [--now TIME]",
		about: `Puts a signed statement into its member record, so nobody indents an armored block by hand:
with --gpg it signs the statement 'embargo statement' prints with your own gpg (the signer's
key, your keyring, your agent or token); with --attach it takes an armored detached signature
made elsewhere over that text. The signature is checked against the signer's key in
members/keys/ before anything is written; an acceptance also records the policy version and
terms it accepts.`,
		example: "embargo sign acceptance --person dana-debian --gpg",
	}
}

func runSign(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("use 'embargo sign acceptance --person ID --gpg' (see 'embargo sign --help')", "sign needs a kind: acceptance, vouch or teammate")
	}
	kind, args := args[0], args[1:]
	fs := newFlags(e, "sign "+kind)
	repo := fs.String("repo", ".", "the policy repository")
	useGPG := fs.Bool("gpg", false, "sign with your own gpg, as the signer's key")
	attach := fs.String("attach", "", "an armored detached signature made elsewhere over the statement")
	nowFlag := fs.String("now", "", "the time to check the signature at (RFC 3339); default: now")
	person := fs.String("person", "", "acceptance: the person who accepts; teammate: the person vouched for")
	member := fs.String("member", "", "vouch: the member vouched for")
	voucher := fs.String("voucher", "", "vouch, teammate: the person who vouches")
	switch kind {
	case "acceptance", "vouch", "teammate":
	default:
		return usagef("the kinds are acceptance, vouch and teammate", "unknown statement kind %q", kind)
	}
	if err := parse(fs, e, args); err != nil {
		return err
	}
	switch {
	case *useGPG == (*attach != ""):
		return usagef("sign with your gpg (--gpg) or attach a signature made elsewhere (--attach FILE)", "sign needs one of --gpg and --attach")
	case kind == "acceptance" && *person == "":
		return usagef("name the person: --person ID", "sign acceptance needs --person")
	case kind == "vouch" && (*member == "" || *voucher == ""):
		return usagef("name both: --member ID --voucher ID", "sign vouch needs --member and --voucher")
	case kind == "teammate" && (*person == "" || *voucher == ""):
		return usagef("name both: --person ID --voucher ID (a vouched teammate of the same member)", "sign teammate needs --person and --voucher")
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	st, policy, err := loadForStatement(*repo)
	if err != nil {
		return err
	}
	// What is signed, by whom, and where it goes.
	var text, signerID string
	var mf *state.MemberFile
	var write func(data []byte, sig string) ([]byte, error)
	switch kind {
	case "acceptance":
		ref, ok := st.People[*person]
		if !ok {
			return usagef("add the person first: embargo person add", "person %q is not in the repository", *person)
		}
		p, m := ref.Person(), ref.Member.Member
		if len(p.Keys) == 0 {
			return usagef("add the person's key first: embargo key add FILE --person "+p.ID, "person %q lists no key", p.ID)
		}
		a := statement.Acceptance{Person: p.ID, Member: m.ID, Key: p.Keys[0], Lists: m.Lists}.ForPolicy(policy)
		text, signerID, mf = a.Text(), p.ID, ref.Member
		write = func(data []byte, sig string) ([]byte, error) {
			return author.SetAcceptance(mf.Path, data, p.ID, sig, a.PolicyVersion, a.Terms)
		}
	case "vouch":
		var ok bool
		if mf, ok = st.MembersByID[*member]; !ok {
			return usagef("write members/"+*member+".yaml with its people first", "member %q is not in the repository", *member)
		}
		text = statement.Vouch{Member: *member, Lists: mf.Member.Lists, People: mf.Member.VouchedPeople(), Voucher: *voucher}.ForPolicy(policy).Text()
		signerID = *voucher
		write = func(data []byte, sig string) ([]byte, error) { return author.SetVouch(mf.Path, data, *voucher, sig) }
	case "teammate":
		ref, ok := st.People[*person]
		if !ok {
			return usagef("add the person first: embargo person add", "person %q is not in the repository", *person)
		}
		mf = ref.Member
		if v, ok := st.People[*voucher]; !ok || v.Member != mf {
			return usagef("the voucher must be a person of the same member whom the member's vouch (or a teammate) vouches for", "%s is not a teammate of %s in members/%s.yaml", *voucher, *person, mf.Member.ID)
		}
		text = statement.Teammate{Member: mf.Member.ID, Lists: mf.Member.Lists, Person: *person, Voucher: *voucher}.ForPolicy(policy).Text()
		signerID = *voucher
		write = func(data []byte, sig string) ([]byte, error) {
			return author.SetTeammateVouch(mf.Path, data, *person, *voucher, sig)
		}
	}
	signer, ok := st.People[signerID]
	if !ok {
		return usagef("the signer must be a person listed in members/", "person %q is not in the repository", signerID)
	}
	keys := keysOf(st, signer.Person().Keys)
	if len(keys) == 0 {
		return usagef("add the key file: embargo key add FILE --person "+signerID, "%s has no usable key file in members/keys/", signerID)
	}
	var sig []byte
	if *useGPG {
		fpr := signer.Person().Keys[0]
		if kind != "acceptance" {
			fpr = keys[0].Fingerprint
		}
		if sig, err = gpgSign(fpr, []byte(text)); err != nil {
			return err
		}
	} else if sig, err = os.ReadFile(*attach); err != nil {
		return usagef("give the armored signature file (gpg --armor --detach-sign)", "cannot read --attach: %v", errors.Unwrap(err))
	}
	if kind == "acceptance" {
		keys = keys[:1] // the acceptance is by the person's first key
		if keys[0].Fingerprint != signer.Person().Keys[0] {
			return usagef("add the key file of the person's first key", "the first key of %s, %s, has no usable key file", signerID, signer.Person().Keys[0])
		}
	}
	if _, err := pgp.VerifyDetached(keys, []byte(text), sig, now); err != nil {
		return usagef("sign exactly the text 'embargo statement "+kind+"' prints, with "+signerID+"'s key", "the signature does not verify over the %s statement with %s's key: %v; nothing was written", kind, signerID, err)
	}
	full := filepath.Join(*repo, filepath.FromSlash(mf.Path))
	data, err := os.ReadFile(full)
	if err != nil {
		return err
	}
	out, err := write(data, string(sig))
	if err != nil {
		return authorError(err)
	}
	if err := replaceFile(full, out, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, full)
	e.hintf("run 'embargo validate', then commit the change signed (git commit -S)")
	return nil
}

// keysOf returns the parsed key files of fingerprints, in order.
func keysOf(st *state.State, fprs []string) []*pgp.Key {
	var out []*pgp.Key
	for _, f := range fprs {
		if kf := st.Keys[f]; kf != nil && kf.Key != nil {
			out = append(out, kf.Key)
		}
	}
	return out
}
