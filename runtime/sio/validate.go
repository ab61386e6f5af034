package sio

// SupportPackageIsVersion1 is referenced by generated code so that code
// generated for an incompatible runtime fails to compile with a clear name
// instead of a confusing error.
const SupportPackageIsVersion1 = true

// Validator checks payloads against their contract before any handler sees
// them. runtime/siovalidate implements it with JSON Schema 2020-12.
//
// Validate reports the violations of data, the raw JSON of one payload as
// received (binary attachments appear as {"_placeholder":true,"num":N}
// objects), against the schema identified by id; nil means valid.
// Implementations must be safe for concurrent use.
type Validator interface {
	Validate(id string, data []byte) []Violation
}

// ValidatorFunc adapts a function to a [Validator].
type ValidatorFunc func(id string, data []byte) []Violation

// Validate calls f(id, data).
func (f ValidatorFunc) Validate(id string, data []byte) []Violation { return f(id, data) }
