package report

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/notify"
)

// fakeBot records messages; each call takes the next of fails (nil: ok).
type fakeBot struct {
	mu    sync.Mutex
	msgs  []*notify.Message
	files map[string][]byte
	fails []error
	calls int
}

func (b *fakeBot) next() (bool, error) {
	b.calls++
	if len(b.fails) == 0 {
		return false, nil
	}
	err := b.fails[0]
	b.fails = b.fails[1:]
	return err != nil && notify.ClassOf(err) == notify.Retry, err
}

func (b *fakeBot) Notify(_ context.Context, m *notify.Message) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	retry, err := b.next()
	if err == nil {
		b.msgs = append(b.msgs, m)
	}
	return retry, err
}

// fakeWeCom is a bot that also takes files.
type fakeWeCom struct{ fakeBot }

func (w *fakeWeCom) SendFile(_ context.Context, name string, data []byte) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	retry, err := w.next()
	if err == nil {
		if w.files == nil {
			w.files = map[string][]byte{}
		}
		w.files[name] = data
	}
	return retry, err
}

// writeFiles writes the day's report split by route.
func writeFiles(t *testing.T) ([]string, *DaySummary) {
	t.Helper()
	opts := reportOpts()
	opts.SplitBy = SplitByRoute
	files, sum, err := WriteFile(context.Background(), newMemSource(dayClues(t)...), reportDay, opts, t.TempDir())
	require.NoError(t, err)
	return files, sum
}

func TestDeliver(t *testing.T) {
	saved := deliverBackoff
	deliverBackoff = []time.Duration{time.Millisecond, time.Millisecond}
	t.Cleanup(func() { deliverBackoff = saved })
	files, sum := writeFiles(t)
	wecom := &fakeWeCom{}
	ding := &fakeBot{fails: []error{&notify.Error{Platform: "dingtalk", Code: 130101, Class: notify.Retry}}}
	feishu := &fakeBot{fails: []error{&notify.Error{Platform: "feishu", Code: 19021, Message: "sign match fail", Class: notify.Permanent}}}
	hook := &fakeBot{}
	var logs bytes.Buffer
	err := Deliver(context.Background(), files, sum, []Target{
		{Name: "managers", Type: notify.TypeWeCom, Notifier: wecom},
		{Name: "henan-sales", Type: notify.TypeDingTalk, Notifier: ding, SummaryTop: 2},
		{Name: "feishu-boss", Type: notify.TypeFeishu, Notifier: feishu},
		{Name: "crm", Type: notify.TypeWebhook, Notifier: hook},
		{Name: "mail", Type: notify.TypeEmail},
	}, slog.New(slog.NewTextHandler(&logs, nil)))

	require.ErrorContains(t, err, "deliver report 2024-05-01 to feishu-boss: feishu receiver \"\": code 19021")
	require.ErrorContains(t, err, "to mail: no e-mail sender configured")
	require.NotContains(t, err.Error(), "managers")
	require.NotContains(t, err.Error(), "henan-sales")

	require.Empty(t, wecom.msgs, "wecom gets the files, not the summary")
	require.Len(t, wecom.files, 3)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		require.Equal(t, data, wecom.files[filepath.Base(f)])
	}
	require.Equal(t, 2, ding.calls, "a throttled robot is tried again")
	require.Len(t, ding.msgs, 1)
	require.Equal(t, "henan-sales", ding.msgs[0].Receiver)
	require.Equal(t, 5, ding.msgs[0].Summary.Total)
	require.Equal(t, "cluebot-2024-05-01.xlsx", ding.msgs[0].Summary.FileName)
	require.Equal(t, 1, feishu.calls, "a permanent failure is not retried")
	require.Len(t, hook.msgs, 1, "a failure before it did not stop the webhook")
	require.Contains(t, logs.String(), `msg="report delivered" receiver=managers type=wecom date=2024-05-01 as=file`)
	require.Contains(t, logs.String(), `msg="report not delivered" receiver=feishu-boss`)
}

func TestDeliverLargeFileAsSummary(t *testing.T) {
	big := filepath.Join(t.TempDir(), "cluebot-2024-05-01.xlsx")
	require.NoError(t, os.WriteFile(big, nil, 0o600))
	require.NoError(t, os.Truncate(big, MaxChatFileSize+1))
	_, sum := writeFiles(t)
	wecom := &fakeWeCom{}
	require.NoError(t, Deliver(context.Background(), []string{big}, sum, []Target{{Name: "managers", Type: notify.TypeWeCom, Notifier: wecom}}, nil))
	require.Empty(t, wecom.files)
	require.Len(t, wecom.msgs, 1)
	require.Equal(t, 5, wecom.msgs[0].Summary.Total)
}

func TestDeliverStopsRetryingWhenCancelled(t *testing.T) {
	saved := deliverBackoff
	deliverBackoff = []time.Duration{time.Hour}
	t.Cleanup(func() { deliverBackoff = saved })
	_, sum := writeFiles(t)
	bot := &fakeBot{fails: []error{errors.New("connection reset")}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := Deliver(ctx, nil, sum, []Target{{Name: "ding", Type: notify.TypeDingTalk, Notifier: bot}}, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "connection reset")
	require.Equal(t, 1, bot.calls)
}

// countingPacer records the receivers it was asked to pace.
type countingPacer struct{ receivers []string }

func (p *countingPacer) SendPaced(ctx context.Context, receiver string, send func(context.Context) (bool, error)) (bool, error) {
	p.receivers = append(p.receivers, receiver)
	return send(ctx)
}

func TestDeliverGoesThroughThePacer(t *testing.T) {
	files, sum := writeFiles(t)
	wecom, ding, pacer := &fakeWeCom{}, &fakeBot{}, &countingPacer{}
	require.NoError(t, Deliver(context.Background(), files, sum, []Target{
		{Name: "managers", Type: notify.TypeWeCom, Notifier: wecom, Pacer: pacer},
		{Name: "henan-sales", Type: notify.TypeDingTalk, Notifier: ding, Pacer: pacer},
	}, nil))
	require.Equal(t, []string{"managers", "managers", "managers", "henan-sales"}, pacer.receivers,
		"every file and the summary take a slot of their receiver")
	require.Len(t, wecom.files, 3)
	require.Len(t, ding.msgs, 1)
}
