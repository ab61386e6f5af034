// Package nodetest runs the real JavaScript peers (the npm packages pinned in
// the repository's package.json) from Go tests: it starts a Node script,
// reads the JSON lines it prints, and stops it when the test ends.
//
// The packages must be installed (`make deps`, which `make test` runs); a
// test that needs them fails with a hint when they are missing, so that CI
// can never silently skip interop.
package nodetest
