package jsonschemagen

import (
	"encoding/json"
	"slices"

	"github.com/invopop/jsonschema"

	"github.com/siogen/siogen/gen/internal/edgedoc"
	"github.com/siogen/siogen/schema"
)

// RuntimeErrorCodes are the codes the runtime itself puts in envelope ack
// errors, allowed in every envelope ack next to the event's declared codes
// (the constants of the same names in runtime/sio).
var RuntimeErrorCodes = []string{"invalid_argument", "internal", "timeout"}

// payload returns the schema of an event's payload: the payload type, or
// the args tuple as a JSON array.
func (b *builder) payload(ev *schema.Event) *jsonschema.Schema {
	if ev.Args != nil {
		return b.tuple(ev.Args)
	}
	return b.use(ev.Payload)
}

// ack returns the schema of an event's ack: the envelope for the envelope
// style; for the plain style the ack type, or the ack_args tuple as a JSON
// array.
func (b *builder) ack(ev *schema.Event) *jsonschema.Schema {
	if ev.AckStyle == schema.AckPlain {
		if ev.AckArgs != nil {
			return b.tuple(ev.AckArgs)
		}
		return b.use(ev.Ack)
	}
	return b.envelope(ev)
}

// envelope returns {"ok":true,"data":…} | {"ok":false,"error":{…}}. The
// outer object keywords give a clear message when "ok" is missing or not a
// boolean; the oneOf then picks the branch by the const of "ok".
func (b *builder) envelope(ev *schema.Event) *jsonschema.Schema {
	okProps := jsonschema.NewProperties()
	okProps.Set("ok", &jsonschema.Schema{Const: true})
	okBranch := &jsonschema.Schema{
		Title: "success", Type: "object", Properties: okProps,
		Required: []string{"ok"}, AdditionalProperties: jsonschema.FalseSchema,
	}
	if ev.Ack != nil {
		okProps.Set("data", b.use(ev.Ack))
		okBranch.Required = append(okBranch.Required, "data")
	} else {
		okProps.Set("data", &jsonschema.Schema{Type: "null", Description: "An ack without data: absent or null."})
	}
	errProps := jsonschema.NewProperties()
	errProps.Set("ok", &jsonschema.Schema{Const: false})
	errProps.Set("error", b.ackError(ev))
	errBranch := &jsonschema.Schema{
		Title: "failure", Type: "object", Properties: errProps,
		Required: []string{"ok", "error"}, AdditionalProperties: jsonschema.FalseSchema,
	}
	outer := jsonschema.NewProperties()
	outer.Set("ok", &jsonschema.Schema{Type: "boolean"})
	return &jsonschema.Schema{
		Type: "object", Properties: outer, Required: []string{"ok"},
		OneOf: []*jsonschema.Schema{okBranch, errBranch},
	}
}

// ackError returns the schema of the error object of an envelope ack:
// {code, name, message, details}, code one of the declared codes or the
// runtime's, and for each declared error, the details it declares when
// "name" names it. An event with limits also admits the runtime's
// resource_exhausted error, without a name, its details closed (see
// [resourceExhaustedRule]).
func (b *builder) ackError(ev *schema.Event) *jsonschema.Schema {
	var codes []any
	var rules []*jsonschema.Schema
	for _, r := range ev.Errors {
		e := r.Target
		if e == nil {
			continue
		}
		if !slices.Contains(codes, any(e.Code)) {
			codes = append(codes, e.Code)
		}
		ifProps := jsonschema.NewProperties()
		ifProps.Set("name", &jsonschema.Schema{Const: e.Name})
		thenProps := jsonschema.NewProperties()
		thenProps.Set("code", &jsonschema.Schema{Const: e.Code})
		if e.Details != nil {
			thenProps.Set("details", b.use(e.Details))
		}
		rules = append(rules, &jsonschema.Schema{
			If:   &jsonschema.Schema{Properties: ifProps, Required: []string{"name"}},
			Then: &jsonschema.Schema{Properties: thenProps},
		})
	}
	for _, c := range RuntimeErrorCodes {
		if !slices.Contains(codes, any(c)) {
			codes = append(codes, c)
		}
	}
	if edgedoc.Answered(ev) {
		if !slices.Contains(codes, any(CodeResourceExhausted)) {
			codes = append(codes, CodeResourceExhausted)
		}
		rules = append(rules, resourceExhaustedRule())
	}
	props := jsonschema.NewProperties()
	props.Set("code", &jsonschema.Schema{Type: "string", Enum: codes})
	props.Set("name", &jsonschema.Schema{Type: "string", Description: "The contract's name of the error."})
	props.Set("message", &jsonschema.Schema{Type: "string"})
	props.Set("details", &jsonschema.Schema{Description: "Error details; declared errors fix their shape."})
	return &jsonschema.Schema{
		Type: "object", Properties: props, Required: []string{"code", "message"},
		AdditionalProperties: jsonschema.FalseSchema, AllOf: rules,
	}
}

// CodeResourceExhausted is the code of the error the runtime answers an
// event over its contract's limits with (sio.CodeResourceExhausted).
const CodeResourceExhausted = "resource_exhausted"

// resourceExhaustedRule requires the details of the runtime's
// resource_exhausted error, an error of that code without a name (a
// declared error of the same code has its own details):
// {"limit": "rate"|"payload"|"pending_acks", "max": n, "retry_after_ms": n},
// closed (retry_after_ms comes with a rate only).
func resourceExhaustedRule() *jsonschema.Schema {
	ifProps := jsonschema.NewProperties()
	ifProps.Set("code", &jsonschema.Schema{Const: CodeResourceExhausted})
	cond := &jsonschema.Schema{
		Properties: ifProps, Required: []string{"code"},
		Not: &jsonschema.Schema{Required: []string{"name"}},
	}
	zero, one := json.Number("0"), json.Number("1")
	details := jsonschema.NewProperties()
	details.Set("limit", &jsonschema.Schema{
		Type: "string", Enum: []any{"rate", "payload", "pending_acks"},
		Description: "The limit the event hit.",
	})
	details.Set("max", &jsonschema.Schema{
		Type: "integer", Minimum: zero,
		Description: "Its value: the burst of a rate, the bytes of a payload, the acknowledgements that may be pending.",
	})
	details.Set("retry_after_ms", &jsonschema.Schema{
		Type: "integer", Minimum: one,
		Description: "For a rate, how long until the socket may send the event again, in milliseconds.",
	})
	thenProps := jsonschema.NewProperties()
	thenProps.Set("details", &jsonschema.Schema{
		Title: "ResourceExhaustedDetails", Type: "object", Properties: details,
		Required: []string{"limit", "max"}, AdditionalProperties: jsonschema.FalseSchema,
	})
	return &jsonschema.Schema{
		If:   cond,
		Then: &jsonschema.Schema{Properties: thenProps, Required: []string{"details"}},
	}
}
