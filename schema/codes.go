package schema

// Code identifies the kind of a [Diagnostic]. Codes are stable, mnemonic
// and documented in the package documentation; tools may match on them.
type Code string

// The diagnostic codes, documented with examples in the package
// documentation ("Diagnostic codes"). All are errors except
// [CodeUnusedImport] and [CodeInt64], which are warnings.
const (
	// CodeIO reports a file named to Load or LoadConfig that cannot be read.
	CodeIO Code = "io"
	// CodeSyntax reports a YAML syntax error or a file with several documents.
	CodeSyntax Code = "syntax"
	// CodeLimit reports input beyond a size, node, depth or file-count limit.
	CodeLimit Code = "limit"
	// CodeYAMLAlias reports a YAML anchor, alias or merge key.
	CodeYAMLAlias Code = "yaml-alias"
	// CodeUnknownKey reports a key the grammar does not define.
	CodeUnknownKey Code = "unknown-key"
	// CodeDuplicateKey reports the same key twice in one mapping.
	CodeDuplicateKey Code = "duplicate-key"
	// CodeWrongKind reports a node of the wrong YAML kind or scalar type.
	CodeWrongKind Code = "wrong-kind"
	// CodeMissingKey reports a required key that is absent.
	CodeMissingKey Code = "missing-key"
	// CodeConflict reports keys that exclude each other.
	CodeConflict Code = "conflicting-keys"
	// CodeVersion reports a siogen (or config) version other than 1.
	CodeVersion Code = "bad-version"

	// CodeInvalidName reports a name that breaks its rule or cannot be emitted.
	CodeInvalidName Code = "invalid-name"
	// CodeReservedName reports a name reserved by Socket.IO, siogen, Go or TypeScript.
	CodeReservedName Code = "reserved-name"
	// CodeDuplicateName reports a name declared twice.
	CodeDuplicateName Code = "duplicate-name"
	// CodeNameCollision reports two names that convert to the same Go or TS name.
	CodeNameCollision Code = "name-collision"

	// CodeBadImport reports an import that cannot be read or leaves the file system.
	CodeBadImport Code = "bad-import"
	// CodeImportCycle reports imports that form a cycle.
	CodeImportCycle Code = "import-cycle"
	// CodeUnusedImport warns about an import that no reference uses.
	CodeUnusedImport Code = "unused-import"
	// CodeUnresolved reports a type reference that names no type.
	CodeUnresolved Code = "unresolved"
	// CodeUndeclared reports an event error that is not declared.
	CodeUndeclared Code = "undeclared-error"
	// CodeTypeCycle reports an alias cycle or an object that requires itself.
	CodeTypeCycle Code = "type-cycle"

	// CodeBadType reports a malformed type expression.
	CodeBadType Code = "bad-type"
	// CodeBadEnum reports an enum without values or with a bad value.
	CodeBadEnum Code = "bad-enum"
	// CodeEnumCollision reports enum values that repeat or share a constant name.
	CodeEnumCollision Code = "enum-collision"
	// CodeUnionDiscr reports a union without discriminator.
	CodeUnionDiscr Code = "union-discriminator"
	// CodeUnionVariant reports a union without variants or with a non-object variant.
	CodeUnionVariant Code = "union-variant"
	// CodeUnionClash reports a variant object that declares the discriminator.
	CodeUnionClash Code = "union-clash"
	// CodeBadConstraint reports a constraint value that makes no sense.
	CodeBadConstraint Code = "bad-constraint"
	// CodeConstraintType reports a constraint on a type it does not apply to.
	CodeConstraintType Code = "constraint-type"
	// CodeBadPattern reports a pattern that does not compile or is not portable.
	CodeBadPattern Code = "bad-pattern"
	// CodeBadFormat reports an unknown string format.
	CodeBadFormat Code = "bad-format"
	// CodeBadDefault reports a default that does not fit its field.
	CodeBadDefault Code = "bad-default"
	// CodeInt64 warns about int64 values that TypeScript numbers cannot hold.
	CodeInt64 Code = "int64-precision"

	// CodeBadPath reports a malformed namespace path or config path.
	CodeBadPath Code = "bad-path"
	// CodeNotObject reports an auth or error details type that is not an object.
	CodeNotObject Code = "not-object"
	// CodeBadDuration reports a timeout that is not a positive duration ≤ 24h.
	CodeBadDuration Code = "bad-duration"
	// CodeAckDirection reports an acknowledged event sent by both sides.
	CodeAckDirection Code = "ack-direction"
	// CodeNeedsAck reports errors, timeout or ack_style on an event without ack.
	CodeNeedsAck Code = "needs-ack"
	// CodeAckStyle reports an unknown ack style or ack_args without plain style.
	CodeAckStyle Code = "ack-style"
	// CodePlainErrors reports declared errors on a plain-style ack.
	CodePlainErrors Code = "plain-errors"

	// CodeBadLimit reports a malformed or out-of-range limit value.
	CodeBadLimit Code = "bad-limit"
	// CodeLimitScope reports a limit where it cannot apply: limits on an
	// event only the server emits, max_pending_acks on an event without
	// ack, disconnect_after on an event, a burst without a rate.
	CodeLimitScope Code = "limit-scope"
	// CodeBadBackpressure reports an unknown back-pressure mode, or max or
	// key on a mode they do not apply to.
	CodeBadBackpressure Code = "bad-backpressure"
	// CodeBackpressureScope reports backpressure on an event only the
	// client emits, or latest on an event without an object payload.
	CodeBackpressureScope Code = "backpressure-scope"
	// CodeBackpressureKey reports a latest key that does not name a
	// required, non-nullable string, integer or enum field of the payload.
	CodeBackpressureKey Code = "backpressure-key"
)

// Codes returns every diagnostic code, in the order of the package
// documentation.
func Codes() []Code {
	return []Code{
		CodeIO, CodeSyntax, CodeLimit, CodeYAMLAlias, CodeUnknownKey, CodeDuplicateKey,
		CodeWrongKind, CodeMissingKey, CodeConflict, CodeVersion,
		CodeInvalidName, CodeReservedName, CodeDuplicateName, CodeNameCollision,
		CodeBadImport, CodeImportCycle, CodeUnusedImport, CodeUnresolved, CodeUndeclared, CodeTypeCycle,
		CodeBadType, CodeBadEnum, CodeEnumCollision, CodeUnionDiscr, CodeUnionVariant, CodeUnionClash,
		CodeBadConstraint, CodeConstraintType, CodeBadPattern, CodeBadFormat, CodeBadDefault, CodeInt64,
		CodeBadPath, CodeNotObject, CodeBadDuration, CodeAckDirection, CodeNeedsAck, CodeAckStyle, CodePlainErrors,
		CodeBadLimit, CodeLimitScope, CodeBadBackpressure, CodeBackpressureScope, CodeBackpressureKey,
	}
}
