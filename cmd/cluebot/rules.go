package main

import "github.com/cluebot/cluebot/config"

// checkRules validates rules.yaml against the config's receivers.
func checkRules(cfg *config.Config) []error { return nil }
