package main

import (
	"os"
	"testing"
)

// childEnv, set to 1, makes the test binary run cluebot's main instead of
// the tests: the crash tests start os.Args[0] with it as a real, separate
// cluebot process (built with the same flags, -race included) they can kill.
const childEnv = "CLUEBOT_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main() // exits
		return
	}
	os.Exit(m.Run())
}
