// Package workflows holds the tests of the CI workflows in .github/workflows:
// actionlint over every workflow, and the pull-request check step run locally
// against a fixture pull request.
package workflows
