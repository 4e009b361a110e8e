package fetch_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	sim "github.com/cluebot/cluebot/sim/kuaishou"
)

// simEnv makes the test binary serve a simulated API instead of running
// tests, so benchmarks can keep the simulator's memory out of their own.
const simEnv = "CLUEBOT_FETCH_BENCH_SIM"

func TestMain(m *testing.M) {
	if spec := os.Getenv(simEnv); spec != "" {
		serveSim(spec)
		return
	}
	os.Exit(m.Run())
}

// serveSim serves "accounts,clues,days": clues spread over the last days, on loopback, prints the
// URL, and exits when stdin closes.
func serveSim(spec string) {
	parts := strings.Split(spec, ",")
	accounts, _ := strconv.Atoi(parts[0])
	clues, _ := strconv.Atoi(parts[1])
	days, _ := strconv.Atoi(parts[2])
	s := sim.New(sim.Options{AppID: appID, Secret: appSecret, Seed: 1})
	now := time.Now()
	for i := 0; i < accounts; i++ {
		id := int64(20006545 + i)
		s.AddAccount(id, fmt.Sprintf("access-%d-initial", id), fmt.Sprintf("refresh-%d-initial", id))
		s.Generate(id, clues/accounts, now.Add(-time.Duration(days)*24*time.Hour+time.Hour), now.Add(-time.Minute))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	go http.Serve(ln, s) //nolint:errcheck // ends with the process
	fmt.Printf("http://%s\n", ln.Addr())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
}

// startSimProcess runs the simulator in a child process and returns its URL.
func startSimProcess(tb testing.TB, accounts, clues, days int) string {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%d,%d", simEnv, accounts, clues, days))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		tb.Fatalf("simulator did not start: %q %v", line, err)
	}
	return strings.TrimSpace(line)
}
