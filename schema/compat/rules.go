package compat

// Rule identifies the kind of a [Change]. Rule ids are stable, kebab-case,
// and printed in brackets: "error[field-removed]". [Rules] documents each.
type Rule string

// The rules, documented in the package documentation ("Rules") and by
// [Rules].
const (
	RuleNamespaceRemoved       Rule = "namespace-removed"
	RuleNamespacePathChanged   Rule = "namespace-path-changed"
	RuleEventRemoved           Rule = "event-removed"
	RuleEventRenamed           Rule = "event-renamed"
	RuleFromChanged            Rule = "from-changed"
	RulePayloadChanged         Rule = "payload-changed"
	RuleArgsChanged            Rule = "args-changed"
	RuleAckAdded               Rule = "ack-added"
	RuleAckRemoved             Rule = "ack-removed"
	RuleAckStyleChanged        Rule = "ack-style-changed"
	RuleErrorAdded             Rule = "error-added"
	RuleErrorRemoved           Rule = "error-removed"
	RuleErrorCodeChanged       Rule = "error-code-changed"
	RuleAuthAdded              Rule = "auth-added"
	RuleAuthRemoved            Rule = "auth-removed"
	RuleTypeChanged            Rule = "type-changed"
	RuleFieldAddedRequired     Rule = "field-added-required"
	RuleFieldAddedOptional     Rule = "field-added-optional"
	RuleFieldRemoved           Rule = "field-removed"
	RuleFieldNowRequired       Rule = "field-now-required"
	RuleFieldNowOptional       Rule = "field-now-optional"
	RuleNullableAdded          Rule = "nullable-added"
	RuleNullableRemoved        Rule = "nullable-removed"
	RuleConstraintNarrowed     Rule = "constraint-narrowed"
	RuleConstraintWidened      Rule = "constraint-widened"
	RuleConstraintChanged      Rule = "constraint-changed"
	RuleEnumValueAdded         Rule = "enum-value-added"
	RuleEnumValueRemoved       Rule = "enum-value-removed"
	RuleVariantAdded           Rule = "variant-added"
	RuleVariantRemoved         Rule = "variant-removed"
	RuleDefaultChanged         Rule = "default-changed"
	RuleLimitAdded             Rule = "limit-added"
	RuleLimitNarrowed          Rule = "limit-narrowed"
	RuleBackpressureWeakened   Rule = "backpressure-weakened"
	RuleBackpressureKeyChanged Rule = "backpressure-key-changed"
	RuleDeprecated             Rule = "deprecated"
	RuleVersionNotBumped       Rule = "version-not-bumped"
)

// RuleDoc is one rule and the sentence that documents it.
type RuleDoc struct {
	Rule Rule
	Doc  string
}

// Rules returns every rule with its documentation, in the order of the
// package documentation.
func Rules() []RuleDoc {
	return []RuleDoc{
		{RuleNamespaceRemoved, "A namespace is gone: old clients can no longer connect to it (breaks server first)."},
		{RuleNamespacePathChanged, "A namespace moved to another path (the new one has its Go name, or the same events): each side connects where the other does not listen (breaks both orders)."},
		{RuleEventRemoved, "An event is gone: old clients emit it to a server without a handler, or wait for it in vain (server first); an old server waiting for the ack of a removed server event gets none (client first)."},
		{RuleEventRenamed, "An event was removed and one with the same direction and payload added: a rename, which each side sees as an unknown event (breaks both orders)."},
		{RuleFromChanged, "An event's from: changed: one side emits what the other no longer handles (breaks both orders)."},
		{RulePayloadChanged, "An event gained or lost its payload, or switched between payload and args (breaks both orders)."},
		{RuleArgsChanged, "An args or ack_args tuple changed its length: tuples are read with an exact length (breaks both orders)."},
		{RuleAckAdded, "An event is now acknowledged: a new emitter waits for an ack an old receiver never sends."},
		{RuleAckRemoved, "An event is no longer acknowledged: an old emitter waits for an ack the new receiver never sends."},
		{RuleAckStyleChanged, "An event's ack_style changed between envelope and plain: the ack's shape on the wire changed (breaks both orders)."},
		{RuleErrorAdded, "An event declares a new error: its receiver may now answer with a code old emitters reject, since the declared errors are a closed set."},
		{RuleErrorRemoved, "An event no longer declares an error: an old receiver may still answer with it, and new emitters reject it."},
		{RuleErrorCodeChanged, "A declared error kept its name but changed its wire code (breaks both orders)."},
		{RuleAuthAdded, "A namespace now requires a CONNECT auth payload with required fields that old clients do not send (breaks server first)."},
		{RuleAuthRemoved, "A namespace no longer takes auth: new clients send none to an old server that requires it (breaks client first)."},
		{RuleTypeChanged, "A value changed its type (string to object, list to map, int64 to int32, …): readers of one version reject values of the other; widening a number (int32 to int64 or number) or a string (an enum or a timestamp to a string) breaks only old readers of new writers, and the reverse only new readers of old writers."},
		{RuleFieldAddedRequired, "A required field was added: new readers reject values from old writers, which lack it; old readers of closed objects also reject it as unknown."},
		{RuleFieldAddedOptional, "An optional field was added: old readers reject it as an unknown property when the object does not tolerate unknown properties."},
		{RuleFieldRemoved, "A field was removed: old writers still send it and new readers reject it as unknown, and when it was required old readers miss it from new writers."},
		{RuleFieldNowRequired, "An optional field became required: new readers reject values from old writers that leave it out."},
		{RuleFieldNowOptional, "A required field became optional: new writers may leave out a field old readers rely on."},
		{RuleNullableAdded, "A field or argument became nullable: new writers may send null to old readers that reject it."},
		{RuleNullableRemoved, "A field or argument is no longer nullable: old writers may still send null, which new readers reject."},
		{RuleConstraintNarrowed, "A constraint got stricter (max_length down, minimum up, a pattern or format added): new readers reject values old writers may send."},
		{RuleConstraintWidened, "A constraint got looser (max_length up, minimum down, a pattern or format removed): new writers may send values old readers reject."},
		{RuleConstraintChanged, "A pattern or format was replaced by another: each version may accept values the other rejects (breaks both orders)."},
		{RuleEnumValueAdded, "An enum gained a value: new writers may send it to old readers, whose enum is closed."},
		{RuleEnumValueRemoved, "An enum lost a value: old writers may still send it, and new readers reject it."},
		{RuleVariantAdded, "A union gained a variant: new writers may send it to old readers, which do not know its tag."},
		{RuleVariantRemoved, "A union lost a variant: old writers may still send it, and new readers reject its tag."},
		{RuleDefaultChanged, "A field's default changed: readers of each version assume a different value for an absent field (a warning)."},
		{RuleLimitAdded, "An event the client emits gained a limit (a rate, max_payload or max_pending_acks, its own or its namespace's): the new server may refuse events old clients send as they always did (breaks server first)."},
		{RuleLimitNarrowed, "A limit on an event the client emits got stricter (a lower rate or burst, max_payload or max_pending_acks): the new server may refuse events old clients send as they always did (breaks server first); a looser or removed limit is not reported."},
		{RuleBackpressureWeakened, "A server event's back-pressure gives a slow client less (queue to volatile or latest, latest to volatile, a lower max): the new server may drop messages old clients rely on, or disconnect them sooner (breaks server first); a stronger guarantee is not reported."},
		{RuleBackpressureKeyChanged, "A latest back-pressure changed its key: one version keeps apart messages the other replaces (breaks both orders)."},
		{RuleDeprecated, "A namespace, event, type, field, enum value or error is newly deprecated (a warning, never a failure)."},
		{RuleVersionNotBumped, "A contract with breaking changes keeps its info.version major number (for 0.x versions, its minor number); a breaking change needs a major bump."},
	}
}
