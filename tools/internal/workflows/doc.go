// Package workflows checks the CI definitions the project ships — the GitHub
// workflows in .github/workflows and the GitLab and Forgejo templates in
// examples/ci — for the one property the gate rests on: no job a pull request
// triggers runs code from that pull request (Unsafe, UnsafeGitLab). Its tests
// also lint every GitHub workflow with actionlint and run the pull-request
// check step locally against a fixture pull request.
package workflows
