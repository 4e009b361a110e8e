package fetch_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store/sqlite"
)

// BenchmarkSync measures sync throughput from a local simulated API (in a
// child process, so its memory and CPU are not counted) with no rate limit
// into the SQLite store, with each JSON decoder the fetch package can use:
// clues a second, CPU time a clue (steadier than wall time on a shared
// machine), and the sync's peak heap, which should stay flat as the clue
// count grows.
func BenchmarkSync(b *testing.B) {
	for _, dec := range []string{"std", "goccy"} {
		b.Run("json="+dec, func(b *testing.B) {
			fetch.UseStdJSON(dec == "std")
			b.Cleanup(func() { fetch.UseStdJSON(false) })
			benchSync(b)
		})
	}
}

func benchSync(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("clues=%d", n), func(b *testing.B) {
			const accounts = 4
			// The same density of clues per day (and so per page) at every size:
			// memory must depend on the page, not on how many clues a sync reads.
			url := startSimProcess(b, accounts, n, max(1, n*29/100_000))
			var total, cpu time.Duration
			var peak, peakLive uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "c.db"), sqlite.Options{})
				require.NoError(b, err)
				cfg := &fetch.Config{
					BaseURL: url, AppID: appID, Secret: appSecret, PageSize: 500,
					Lookback: time.Hour, Backfill: 30 * 24 * time.Hour, Window: 24 * time.Hour,
					Concurrency: accounts, Timeout: 30 * time.Second, Retries: 3,
					RetryBackoff: time.Millisecond, RetryMax: time.Millisecond,
				}
				for a := 0; a < accounts; a++ {
					id := int64(20006545 + a)
					cfg.Accounts = append(cfg.Accounts, fetch.Account{AdvertiserID: id,
						AccessToken: secret.String(fmt.Sprintf("access-%d-initial", id))})
				}
				client := fetch.NewClient(cfg, nil, nil)
				syncer := fetch.NewSyncer(cfg, client, fetch.NewTokens(client, st, cfg, nil, time.Now), st, nil, time.Now)
				runtime.GC()
				base := liveHeap()
				stop := samplePeak(&peak, &peakLive, base)
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				results, err := syncer.SyncAll(context.Background())
				total += time.Since(start)
				cpu += cpuTime() - cpu0
				b.StopTimer()
				stop()
				require.NoError(b, err)
				got := 0
				for _, r := range results {
					got += r.Stats.Inserted
				}
				require.Equal(b, n, got)
				require.NoError(b, st.Close())
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "clues/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-us/clue")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(peakLive)/(1<<20), "peak-live-MB")
		})
	}
}

// cpuTime is the CPU time this process has used, user and system: unlike
// wall time, it does not count what other processes on a busy machine (the
// simulator among them) take.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapInuse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// liveHeap is the heap the last GC found reachable: what a sync retains, as
// opposed to garbage awaiting collection.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// samplePeak records the largest heap in use and the largest live heap
// above base until stopped.
func samplePeak(peak, peakLive *uint64, base uint64) func() {
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !done.Load() {
			if h := heapInuse(); h > base && h-base > *peak {
				*peak = h - base
			}
			if h := liveHeap(); h > base && h-base > *peakLive {
				*peakLive = h - base
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	return func() { done.Store(true); wg.Wait() }
}
