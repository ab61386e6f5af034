package siovalidate

// FastValid reports the fast path's verdict: valid is true only when the
// fast path vouches for data; covered reports whether the document has a
// fast path at all.
func (v *Validator) FastValid(id string, data []byte) (valid, covered bool) {
	f := v.fast[id]
	if f == nil {
		return false, false
	}
	return fastValid(f, data), true
}

// SlowValidate validates with the library alone.
func (v *Validator) SlowValidate(id string, data []byte) int { return len(v.validateSlow(id, data)) }
