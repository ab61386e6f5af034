package gogen

import "github.com/siogen/siogen/schema"

// contractTest declares the contract test of a namespace (filled in by
// the contract case generator).
func (g *generator) contractTest(ns *schema.Namespace) {}
