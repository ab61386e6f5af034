package jsonschemagen

import (
	"slices"

	"github.com/invopop/jsonschema"

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
	errProps.Set("error", b.ackError(ev.Errors))
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
// "name" names it.
func (b *builder) ackError(errs []*schema.ErrorRef) *jsonschema.Schema {
	var codes []any
	var rules []*jsonschema.Schema
	for _, r := range errs {
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
