//go:build !unix

package export

import "os"

// maxRSS is unknown here.
func maxRSS(*os.ProcessState) (int64, bool) { return 0, false }
