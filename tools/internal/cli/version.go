package cli

import (
	"fmt"
	"runtime/debug"
)

func init() {
	commands["version"] = runVersion
	helps["version"] = help{
		usage: "embargo version",
		about: `Prints which build of the checker this is: the module's version (a tag, a pseudo-version, or
(devel) for a build from a working tree), the git revision it was built from with its time and
whether the tree had uncommitted changes, and the Go version. CI logs it next to a check, so a
finding can be traced to the checker that made it.`,
		example: "embargo version",
	}
}

func runVersion(e *env, args []string) error {
	fs := newFlags(e, "version")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	fmt.Fprint(e.stdout, versionText(debug.ReadBuildInfo()))
	return nil
}

// versionText renders the build information the Go toolchain stamps into
// the binary (module version, vcs.revision, vcs.time, vcs.modified).
func versionText(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "embargo (no build information)\n"
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	out := fmt.Sprintf("embargo %s\nmodule: %s\n", version, bi.Main.Path)
	if rev := settings["vcs.revision"]; rev != "" {
		if settings["vcs.modified"] == "true" {
			rev += " (modified)"
		}
		out += "revision: " + rev + "\n"
		if t := settings["vcs.time"]; t != "" {
			out += "committed: " + t + "\n"
		}
	} else {
		out += "revision: unknown (built without version control information, e.g. by go run or -buildvcs=false)\n"
	}
	return out + "go: " + bi.GoVersion + "\n"
}
