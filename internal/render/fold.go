package render

import (
	"errors"
	"html/template"
	"io"
	"strconv"
	"strings"
	"text/template/parse"

	"github.com/porticohq/portico/internal/locale"
)

// Constant folding of translations. A page says {{t "subs.heading"}} dozens
// of times; executed as written, each is two reflective function calls (the
// translation, then html/template's escaper) on every request, together
// about a fifth of the homepage's rendering. A page's template is bound to
// one locale, so those texts are constants: fold replaces each such action
// with its escaped text once, at start-up.
//
// Folding runs after html/template has escaped the page, and only where
// the escaper it chose is one of the HTML text escapers (element text,
// quoted attribute, RCDATA), whose output for a string fold reproduces byte
// for byte. An action in any other context (a URL, a script, a style, an
// unquoted attribute) or with a non-constant argument is left as it is.
// A constant translation used as an argument, (t "key") in
// {{or .Name (t "billing.not_provided")}}, becomes a string constant, which
// the action escapes as before.

// htmlTextEscapers are html/template's escapers that, for a plain string,
// all escape as escapeText does.
var htmlTextEscapers = map[string]bool{
	"_html_template_htmlescaper":   true,
	"_html_template_attrescaper":   true,
	"_html_template_rcdataescaper": true,
}

// escapeText escapes s as html/template escapes a string in HTML text and
// quoted attributes (its htmlReplacementTable).
var escapeText = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
).Replace

// foldTranslations escapes t (by executing it once for no data:
// html/template escapes a template set before its first execution) and
// folds its constant translations in loc's language. It fails only when
// escaping fails.
func foldTranslations(t *template.Template, entry string, loc *locale.Locale) error {
	err := t.ExecuteTemplate(io.Discard, entry, nil)
	var escErr *template.Error
	if errors.As(err, &escErr) {
		return err
	}
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil {
			continue
		}
		// New text nodes are copies of one of the tree's own (a node
		// belongs to its tree); a tree with no text has nothing to fold.
		var proto *parse.TextNode
		for _, n := range tt.Tree.Root.Nodes {
			if tn, ok := n.(*parse.TextNode); ok {
				proto = tn
				break
			}
		}
		if proto != nil {
			foldList(tt.Tree.Root, proto, loc)
		}
	}
	return nil
}

// foldList folds the constant translations in l and the lists under it,
// then merges the text nodes that end up next to each other; new text
// nodes are copies of proto.
func foldList(l *parse.ListNode, proto *parse.TextNode, loc *locale.Locale) {
	out := l.Nodes[:0]
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			if text, ok := constantText(n, loc); ok {
				tn := proto.Copy().(*parse.TextNode)
				tn.Pos, tn.Text = n.Pos, []byte(text)
				out = appendText(out, tn)
				continue
			}
			foldArgs(n.Pipe, loc)
		case *parse.IfNode:
			foldArgs(n.Pipe, loc)
			foldBranch(&n.BranchNode, proto, loc)
		case *parse.RangeNode:
			foldArgs(n.Pipe, loc)
			foldBranch(&n.BranchNode, proto, loc)
		case *parse.WithNode:
			foldArgs(n.Pipe, loc)
			foldBranch(&n.BranchNode, proto, loc)
		case *parse.TextNode:
			out = appendText(out, n)
			continue
		}
		out = append(out, n)
	}
	l.Nodes = out
}

func foldBranch(b *parse.BranchNode, proto *parse.TextNode, loc *locale.Locale) {
	if b.List != nil {
		foldList(b.List, proto, loc)
	}
	if b.ElseList != nil {
		foldList(b.ElseList, proto, loc)
	}
}

// foldArgs replaces each argument of p's commands that is a parenthesized
// (t "key") with the translation as a string constant, as in
// {{or .Billing.Name (t "billing.not_provided")}}: the action still
// escapes its value as before, but no longer calls t.
func foldArgs(p *parse.PipeNode, loc *locale.Locale) {
	if p == nil {
		return
	}
	for _, c := range p.Cmds {
		for i, arg := range c.Args {
			inner, ok := arg.(*parse.PipeNode)
			if !ok {
				continue
			}
			if key, ok := translationOf(inner); ok {
				text := loc.T(key)
				c.Args[i] = &parse.StringNode{NodeType: parse.NodeString, Pos: inner.Pos, Quoted: strconv.Quote(text), Text: text}
				continue
			}
			foldArgs(inner, loc)
		}
	}
}

// translationOf returns key when p is exactly t "key".
func translationOf(p *parse.PipeNode) (string, bool) {
	if len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 2 {
		return "", false
	}
	fn, ok := p.Cmds[0].Args[0].(*parse.IdentifierNode)
	if !ok || fn.Ident != "t" {
		return "", false
	}
	key, ok := p.Cmds[0].Args[1].(*parse.StringNode)
	if !ok {
		return "", false
	}
	return key.Text, true
}

// appendText appends tn to nodes, joining it to a text node that ends
// nodes.
func appendText(nodes []parse.Node, tn *parse.TextNode) []parse.Node {
	if k := len(nodes); k > 0 {
		if prev, ok := nodes[k-1].(*parse.TextNode); ok {
			joined := prev.Copy().(*parse.TextNode)
			joined.Text = append(joined.Text, tn.Text...)
			nodes[k-1] = joined
			return nodes
		}
	}
	return append(nodes, tn)
}

// constantText returns the output of n when n is {{t "key"}} followed only
// by HTML text escapers, as html/template leaves it after escaping.
func constantText(n *parse.ActionNode, loc *locale.Locale) (string, bool) {
	p := n.Pipe
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) < 2 {
		return "", false
	}
	key, ok := translationOf(&parse.PipeNode{Cmds: p.Cmds[:1]})
	if !ok {
		return "", false
	}
	for _, c := range p.Cmds[1:] {
		if len(c.Args) != 1 {
			return "", false
		}
		esc, ok := c.Args[0].(*parse.IdentifierNode)
		if !ok || !htmlTextEscapers[esc.Ident] {
			return "", false
		}
	}
	// The escapers are idempotent on escaped text only in effect, not in
	// bytes (& would become &amp;amp;), so apply each as html/template would.
	text := loc.T(key)
	for range p.Cmds[1:] {
		text = escapeText(text)
	}
	return text, true
}
