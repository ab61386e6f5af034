package docgen_test

import (
	"strings"
	"testing"

	"github.com/siogen/siogen/gen/docgen"
	"github.com/siogen/siogen/gen/internal/goldentest"
)

// TestEdgePolicies checks that the pages show the contract's edge
// policies: a namespace's default limits and when it disconnects, each
// event's limits and what a refused one gets, each server event's
// back-pressure, in HTML and Markdown alike.
func TestEdgePolicies(t *testing.T) {
	t.Parallel()
	set := goldentest.Load(t, "../../examples/schemas", "chat.siogen.yaml", "dashboard.siogen.yaml")
	files, err := docgen.Generate(set)
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{}
	for _, f := range files {
		pages[f.Path] = string(f.Content)
	}
	common := map[string][]string{
		"chat": {
			"of every event a client sends, unless the event says otherwise",
			"20/s, burst 40; payload at most 64 KiB; at most 8 unanswered acks.",
			"A socket whose events are refused more than 20 times within a minute is disconnected",
			"5/2s, burst 5; payload at most 6 MiB; at most 8 unanswered acks. Refused with resource_exhausted.",
			"20/s, burst 40; payload at most 64 KiB. Dropped and counted.",
			"latest per user (a newer message replaces a waiting one of the same user)",
			"volatile (dropped, and counted, while the socket&#39;s send queue is backed up)",
		},
		"dashboard": {
			"latest per metric",
			"queue of at most 16, then the slow socket is disconnected",
			"10/s, burst 20; payload at most 4 KiB; at most 4 unanswered acks. Refused with resource_exhausted.",
		},
	}
	for pkg, wants := range common {
		for _, ext := range []string{".html", ".md"} {
			page, ok := pages[pkg+ext]
			if !ok {
				t.Fatalf("no %s%s among %d pages", pkg, ext, len(pages))
			}
			for _, want := range wants {
				if ext == ".md" {
					want = strings.ReplaceAll(want, "&#39;", "'")
				}
				if !strings.Contains(page, want) {
					t.Errorf("%s%s lacks %q", pkg, ext, want)
				}
			}
		}
	}
	if !strings.Contains(pages["chat.html"], `<span class="badge edge" title="What a slow client gets">latest</span>`) {
		t.Errorf("chat.html has no back-pressure badge")
	}
	if !strings.Contains(pages["chat.md"], "**Back-pressure:** volatile") {
		t.Errorf("chat.md has no back-pressure line")
	}
}
