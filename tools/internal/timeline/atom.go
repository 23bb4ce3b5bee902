package timeline

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
)

// atomFeed is an RFC 4287 feed.
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Links     []atomLink  `xml:"link"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

// atom renders feed.atom: one entry per published issue, newest first. Entry ids are
// the issue's permanent URL (base_url#ID); updated is the disclosure time.
func (p *projection) atom() ([]byte, error) {
	pub := p.policy.Publication
	feedID := p.base
	if feedID == "" {
		feedID = "urn:embargo:" + strings.ToLower(strings.ReplaceAll(p.policy.Name, " ", "-"))
	}
	f := atomFeed{
		ID:        feedID,
		Title:     pub.Title,
		Updated:   stamp(p.asOf()),
		Author:    atomPerson{Name: pub.Author},
		Links:     []atomLink{{Rel: "self", Type: "application/atom+xml", Href: p.base + "feed.atom"}, {Rel: "alternate", Type: "text/html", Href: p.base}},
		Generator: "embargo",
	}
	for _, is := range slices.Backward(p.issues) {
		e := atomEntry{
			ID:         is.URL,
			Title:      atomText{Type: "text", Text: cmp.Or(is.Title, is.ID)},
			Updated:    is.Dates.Disclosed,
			Published:  is.Dates.Disclosed,
			Links:      []atomLink{{Rel: "alternate", Type: "text/html", Href: is.URL}},
			Categories: []atomCategory{{Term: is.List}, {Term: "severity:" + is.Severity}},
			Summary:    atomText{Type: "text", Text: entrySummary(is)},
		}
		if feedID != p.base {
			e.ID = feedID + ":" + is.ID
		}
		if is.PublicPosting != "" {
			e.Links = append(e.Links, atomLink{Rel: "related", Href: is.PublicPosting})
		}
		f.Entries = append(f.Entries, e)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("render feed.atom: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// entrySummary is the public summary, or a line built from public fields.
func entrySummary(is *PublicIssue) string {
	if is.Summary != "" {
		return strings.Join(strings.Fields(is.Summary), " ") // undo the record's hard wrapping
	}
	s := fmt.Sprintf("%s (%s, %s severity) was disclosed on %s.", is.ID, is.List, is.Severity, is.Dates.Disclosed)
	if len(is.CVEs) > 0 {
		s += " " + strings.Join(is.CVEs, ", ") + "."
	}
	return s
}
