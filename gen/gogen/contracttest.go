package gogen

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/siogen/siogen/gen/internal/edgedoc"
	"github.com/siogen/siogen/schema"
)

// The contract test's generated code: NContract, the cases of
// contractcases.go as Go values, and TestNContract.

// encodeJSON writes v as compact JSON.
func encodeJSON(v jv) string {
	var sb strings.Builder
	writeJSON(&sb, v)
	return sb.String()
}

func writeJSON(sb *strings.Builder, v jv) {
	switch v := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		sb.WriteString(strconv.FormatBool(v))
	case jnum:
		sb.WriteString(string(v))
	case string:
		sb.WriteString(strconv.Quote(v))
	case jbytes:
		sb.WriteString(`"` + base64.StdEncoding.EncodeToString(make([]byte, v)) + `"`)
	case jarr:
		sb.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				sb.WriteByte(',')
			}
			writeJSON(sb, e)
		}
		sb.WriteByte(']')
	case jobj:
		sb.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(strconv.Quote(m.k) + ":")
			writeJSON(sb, m.v)
		}
		sb.WriteByte('}')
	}
}

// argsExpr is the Go expression of a case's arguments: a []string of JSON
// texts, with long runs of one character written as strings.Repeat.
func argsExpr(c contractCase, tuple bool) jen.Code {
	var args []jv
	if a, ok := c.root.(jarr); ok && tuple {
		args = a
	} else if a, ok := c.root.(jarr); ok && len(a) == 0 {
		args = nil
	} else {
		args = []jv{c.root}
	}
	var out []jen.Code
	for _, a := range args {
		out = append(out, textExpr(encodeJSON(a)))
	}
	return jen.Index().String().Values(out...)
}

// rawLit is s as a Go raw string literal when it can be one.
func rawLit(s string) jen.Code {
	if strings.ContainsAny(s, "`\r") || !utf8.ValidString(s) {
		return jen.Lit(s)
	}
	return jen.Op("`" + s + "`")
}

// runRE finds runs of one character long enough to be written with
// strings.Repeat.
var runRE = regexp.MustCompile(`(a{33,}|0{33,}|A{33,}|x{33,}|e{33,})`)

func textExpr(s string) jen.Code {
	locs := runRE.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return rawLit(s)
	}
	var parts []jen.Code
	prev := 0
	for _, l := range locs {
		if l[0] > prev {
			parts = append(parts, rawLit(s[prev:l[0]]))
		}
		parts = append(parts, jen.Qual("strings", "Repeat").Call(jen.Lit(s[l[0]:l[0]+1]), jen.Lit(l[1]-l[0])))
		prev = l[1]
	}
	if prev < len(s) {
		parts = append(parts, rawLit(s[prev:]))
	}
	expr := jen.Add(parts[0])
	for _, p := range parts[1:] {
		expr = expr.Op("+").Add(p)
	}
	return expr
}

// contractTest declares NContract, the cases of every client event of a
// namespace, and TestNContract, which runs them.
func (g *generator) contractTest(ns *schema.Namespace) {
	n := ns.GoName
	var events []jen.Code
	for _, e := range ns.Events {
		if !e.From.ClientEmits() {
			continue
		}
		kv := func(k string, v jen.Code) jen.Code { return jen.Line().Id(k).Op(":").Add(v) }
		fields := []jen.Code{kv("Event", g.eventConst(ns, e))}
		if e.Acked {
			fields = append(fields, kv("Acked", jen.True()))
			if g.validating() {
				fields = append(fields, kv("CheckAck", jen.Qual(siotestPkg, "AckChecker").Types(g.kitOut(ns, e)).Call(ackStyle(e), g.outReadFunc(ns, e))))
			}
			if errs := g.declaredErrors(e); len(errs) > 0 {
				fields = append(fields, kv("Errors", jen.Index().String().Values(errs...)))
			}
		}
		if len(edgedoc.Terms(e.Limits)) > 0 {
			fields = append(fields, kv("Limits", limitsLit(e.Limits)))
		}
		var cases []jen.Code
		for _, c := range eventCases(ns, e) {
			kv := []jen.Code{jen.Id("Name").Op(":").Lit(c.name), jen.Id("Args").Op(":").Add(argsExpr(c, len(e.Args) > 0))}
			if c.invalid {
				kv = append(kv, jen.Id("Invalid").Op(":").True(), jen.Id("Path").Op(":").Lit(c.path))
			}
			cases = append(cases, jen.Line().Values(kv...))
		}
		fields = append(fields, kv("Cases", jen.Index().Qual(siotestPkg, "ContractCase").Values(append(cases, jen.Line())...)), jen.Line())
		events = append(events, jen.Values(fields...))
	}
	g.jf.Commentf("%sContract lists, per event a client sends to %s, the payloads of the contract test, derived from the schema: a valid one, valid ones at the edge of each constraint, and invalid ones that each break one constraint, with the JSON pointer the server must report.", n, ns.Path)
	g.jf.Var().Id(n+"Contract").Op("=").Index().Qual(siotestPkg, "ContractEvent").Values(events...)
	g.jf.Line()
	params := []jen.Code{jen.Id("t").Op("*").Qual("testing", "T"), jen.Id("d").Qual(siotestPkg, "Dialer")}
	auth := jen.Code(jen.Nil())
	if ns.Auth != nil {
		params = append(params, jen.Id("auth").Add(g.valueType(ns.Auth)))
		auth = jen.Id("auth")
	}
	params = append(params, jen.Id("opts").Op("*").Qual(siotestPkg, "ContractOptions"))
	doc := fmt.Sprintf("Test%sContract runs the contract test of %s against d, a *siotest.Server or the siotest.URL of a running server: it sends every payload of %sContract and checks each answer against the contract (see siotest.RunContract). opts may be nil.", n, ns.Path, n)
	if ns.Auth != nil {
		doc += " The client connects with auth."
	}
	g.jf.Comment(doc)
	g.jf.Func().Id("Test"+n+"Contract").Params(params...).Block(
		jen.Id("t").Dot("Helper").Call(),
		jen.Qual(siotestPkg, "RunContract").Call(jen.Id("t"), jen.Id("d"), g.local(n+"Namespace"), auth, jen.Id(n+"Contract"), jen.Id("opts")))
	g.jf.Line()
}
