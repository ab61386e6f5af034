package schema

import _ "embed"

//go:embed siogen.schema.json
var languageSchema []byte

// LanguageSchema returns the JSON Schema (draft 2020-12) of the schema
// language itself, for editors that validate and complete *.siogen.yaml
// files (for example with the YAML language server's
// "# yaml-language-server: $schema=…" comment). It is a guide for editors:
// it checks the shape of a file, while [Load] remains the authority on
// names, references and every other rule. The returned slice is a copy.
func LanguageSchema() []byte {
	return append([]byte(nil), languageSchema...)
}
