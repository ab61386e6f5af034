package parser

// ValidJSON reports whether the scanner accepts data as one JSON text,
// with no depth limit; tests compare it with encoding/json.
func ValidJSON(data []byte) bool {
	var s scanner
	_, _, err := s.scan(data, nil)
	return err == nil
}
