#!/usr/bin/env bash
# Tries the gitolite route of docs/guides/server-hook.md for real, as its users run it:
# Debian's gitolite3 set up through debconf, served by openssh-server on localhost, the
# embargo hook installed exactly as the guide says; then one push through ssh is refused
# and one accepted. Needs root, gitolite3 and openssh-server (.ci/run installs them), and
# changes this machine: it installs /usr/local/bin/embargo and sets up the gitolite3 user.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"

if [ "$(id -u)" != 0 ]; then echo "gitolite-test: needs root" >&2; exit 2; fi
for tool in gitolite sshd ssh-keygen debconf-set-selections; do
  command -v "$tool" >/dev/null || { echo "gitolite-test: $tool missing (apt-get install gitolite3 openssh-server)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/embargo-gitolite.XXXXXX)
chmod 0755 "$work"
port=${GITOLITE_TEST_PORT:-2222}
fail() { echo "gitolite-test: FAIL: $*" >&2; exit 1; }
cleanup() { [ -f "$work/sshd.pid" ] && kill "$(cat "$work/sshd.pid")" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "== build and install the checker (the guide: outside every repository)"
go build -o "$work/embargo" ./tools/cmd/embargo
install -m 0755 "$work/embargo" /usr/local/bin/embargo

echo "== gitolite3 through debconf, with an admin key"
ssh-keygen -q -t ed25519 -N '' -C admin -f "$work/admin"
chmod 0644 "$work/admin.pub"
if [ ! -f /etc/gitolite3/gitolite.rc ]; then
  echo "gitolite3 gitolite3/adminkey string $work/admin.pub" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive dpkg-reconfigure gitolite3 >/dev/null
fi
getent passwd gitolite3 >/dev/null || fail "debconf did not create the gitolite3 user"
home=$(getent passwd gitolite3 | cut -d: -f6)
su - gitolite3 -c "gitolite setup -pk '$work/admin.pub'" >/dev/null   # this run's admin key

echo "== sshd on 127.0.0.1:$port"
ssh-keygen -A >/dev/null
mkdir -p /run/sshd
cat > "$work/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile $work/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
AllowUsers gitolite3
EOF
/usr/sbin/sshd -f "$work/sshd_config"
export GIT_SSH_COMMAND="ssh -i $work/admin -p $port -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes"
for _ in $(seq 50); do git ls-remote gitolite3@127.0.0.1:gitolite-admin >/dev/null 2>&1 && break; sleep 0.1; done

echo "== the hook, as docs/guides/server-hook.md says"
rc=/etc/gitolite3/gitolite.rc
[ -f "$rc" ] || rc="$home/.gitolite.rc"
sed -i 's|^\( *\)# *LOCAL_CODE *=> *"\$ENV{HOME}/local",|\1LOCAL_CODE => "$ENV{HOME}/local",|' "$rc"
grep -q '^ *LOCAL_CODE *=> *"\$ENV{HOME}/local",' "$rc" || fail "could not enable LOCAL_CODE in $rc"
install_hook() { # $1: extra flags (the first push's --trust)
  su - gitolite3 -c "mkdir -p ~/local/hooks/common"
  su - gitolite3 -c "cat > ~/local/hooks/common/pre-receive" <<EOF
#!/bin/sh
# embargo guards the policy repositories; gitolite-admin and the rest pass.
case "\$GL_REPO" in
  policy) exec /usr/local/bin/embargo pre-receive --protect refs/heads/main $1 ;;
esac
exit 0
EOF
  su - gitolite3 -c "chmod 0755 ~/local/hooks/common/pre-receive && gitolite setup --hooks-only" >/dev/null
}
founder=E3FF104586BC655B5C275DD20BAA8B33A8912437 # mara-openwall, the example's founding coordinator
install_hook "--trust $founder"

echo "== a repository 'policy' through gitolite-admin"
rm -rf "$home/repositories/policy.git" # a fresh one on every run
git clone -q gitolite3@127.0.0.1:gitolite-admin "$work/admin-repo"
if ! grep -q '^repo policy' "$work/admin-repo/conf/gitolite.conf"; then
  printf 'repo policy\n    RW+ = admin\n' >> "$work/admin-repo/conf/gitolite.conf"
  git -C "$work/admin-repo" -c user.name=admin -c user.email=admin@example.org commit -qam "Add the policy repository"
  git -C "$work/admin-repo" push -q origin HEAD 2>/dev/null
fi
su - gitolite3 -c "gitolite setup" >/dev/null 2>&1 # creates what the configuration names

echo "== the signed example history, first push (audited from the founder's key)"
/usr/local/bin/embargo demo --repo . --dir "$work/demo" --now 2026-11-20T12:00:00Z --out "$work/public" >/dev/null
git -C "$work/demo" push -q --force gitolite3@127.0.0.1:policy main:refs/heads/main 2>"$work/first.txt" ||
  { cat "$work/first.txt"; fail "the first push of the signed history was refused"; }
install_hook ""   # the founders' flag goes once main exists

echo "== refused: greta-suse makes herself coordinator"
before=$(git ls-remote gitolite3@127.0.0.1:policy refs/heads/main | cut -f1)
if git -C "$work/demo" push gitolite3@127.0.0.1:policy pr/stretch-embargo:refs/heads/main 2>"$work/refused.txt"; then
  cat "$work/refused.txt"; fail "the unauthorized push was accepted"
fi
sed 's/^/    /' "$work/refused.txt"
grep -q "remote: .*sig.unauthorized" "$work/refused.txt" || fail "the pusher did not see sig.unauthorized"
after=$(git ls-remote gitolite3@127.0.0.1:policy refs/heads/main | cut -f1)
[ "$before" = "$after" ] || fail "main moved on a refused push"

echo "== accepted: dana-debian, the handler, records who was told"
git -C "$work/demo" push -q gitolite3@127.0.0.1:policy pr/update-informed:refs/heads/main 2>"$work/accepted.txt" ||
  { cat "$work/accepted.txt"; fail "the authorized push was refused"; }
[ "$(git ls-remote gitolite3@127.0.0.1:policy refs/heads/main | cut -f1)" = "$(git -C "$work/demo" rev-parse pr/update-informed)" ] ||
  fail "main is not the accepted commit"
echo "gitolite-test: ok (one push refused, one accepted, through gitolite over ssh)"
