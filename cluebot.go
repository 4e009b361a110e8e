// Package cluebot carries the files the binary ships with: the example
// rules.yaml that the demo runs on and that admins copy.
package cluebot

import _ "embed"

// RulesYAML is the shipped, commented rules.yaml.
//
//go:embed rules.yaml
var RulesYAML []byte
