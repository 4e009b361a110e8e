//go:build !unix

package report

import "os"

// maxRSS is unknown here.
func maxRSS(*os.ProcessState) (int64, bool) { return 0, false }
