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
	"github.com/cluebot/cluebot/notify/dingtalk"
	"github.com/cluebot/cluebot/notify/feishu"
	"github.com/cluebot/cluebot/notify/webhook"
	"github.com/cluebot/cluebot/notify/wecom"
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
	wecomBot := &fakeWeCom{}
	ding := &fakeBot{fails: []error{&notify.Error{Platform: "dingtalk", Code: 130101, Class: notify.Retry}}}
	feishuBot := &fakeBot{fails: []error{&notify.Error{Platform: "feishu", Code: 19021, Message: "sign match fail", Class: notify.Permanent}}}
	hook := &fakeBot{}
	var logs bytes.Buffer
	err := Deliver(context.Background(), files, sum, []Target{
		{Name: "managers", Type: wecom.Type, Notifier: wecomBot},
		{Name: "henan-sales", Type: dingtalk.Type, Notifier: ding, SummaryTop: 2},
		{Name: "feishu-boss", Type: feishu.Type, Notifier: feishuBot},
		{Name: "crm", Type: webhook.Type, Notifier: hook},
		{Name: "mail", Type: notify.TypeEmail},
	}, slog.New(slog.NewTextHandler(&logs, nil)))

	require.ErrorContains(t, err, "deliver report 2024-05-01 to feishu-boss: feishu receiver \"\": code 19021")
	require.ErrorContains(t, err, "to mail: no e-mail sender configured")
	require.NotContains(t, err.Error(), "managers")
	require.NotContains(t, err.Error(), "henan-sales")

	require.Empty(t, wecomBot.msgs, "wecom gets the files, not the summary")
	require.Len(t, wecomBot.files, 3)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		require.Equal(t, data, wecomBot.files[filepath.Base(f)])
	}
	require.Equal(t, 2, ding.calls, "a throttled robot is tried again")
	require.Len(t, ding.msgs, 1)
	require.Equal(t, "henan-sales", ding.msgs[0].Receiver)
	require.Equal(t, 5, ding.msgs[0].Summary.Total)
	require.Equal(t, "cluebot-2024-05-01.xlsx", ding.msgs[0].Summary.FileName)
	require.Equal(t, 1, feishuBot.calls, "a permanent failure is not retried")
	require.Len(t, hook.msgs, 1, "a failure before it did not stop the webhook")
	require.Contains(t, logs.String(), `msg="report delivered" receiver=managers type=wecom date=2024-05-01 as=file`)
	require.Contains(t, logs.String(), `msg="report not delivered" receiver=feishu-boss`)
}

func TestDeliverLargeFileAsSummary(t *testing.T) {
	big := filepath.Join(t.TempDir(), "cluebot-2024-05-01.xlsx")
	require.NoError(t, os.WriteFile(big, nil, 0o600))
	require.NoError(t, os.Truncate(big, wecom.MaxFile+1))
	_, sum := writeFiles(t)
	wecomBot := &fakeWeCom{}
	require.NoError(t, Deliver(context.Background(), []string{big}, sum, []Target{{Name: "managers", Type: wecom.Type, Notifier: wecomBot}}, nil))
	require.Empty(t, wecomBot.files)
	require.Len(t, wecomBot.msgs, 1)
	require.Equal(t, 5, wecomBot.msgs[0].Summary.Total)
}

// TestDeliverFilesWhereThePlatformTakesThem: whether a robot gets the files
// is its platform's declaration (Limits.MaxFile), not its sender's methods.
func TestDeliverFilesWhereThePlatformTakesThem(t *testing.T) {
	files, sum := writeFiles(t)
	bot := &fakeWeCom{}
	require.NoError(t, Deliver(context.Background(), files, sum, []Target{{Name: "ding", Type: dingtalk.Type, Notifier: bot}}, nil))
	require.Empty(t, bot.files, "DingTalk takes no files")
	require.Len(t, bot.msgs, 1)
}

func TestDeliverStopsRetryingWhenCancelled(t *testing.T) {
	saved := deliverBackoff
	deliverBackoff = []time.Duration{time.Hour}
	t.Cleanup(func() { deliverBackoff = saved })
	_, sum := writeFiles(t)
	bot := &fakeBot{fails: []error{errors.New("connection reset")}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := Deliver(ctx, nil, sum, []Target{{Name: "ding", Type: dingtalk.Type, Notifier: bot}}, nil)
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
	wecomBot, ding, pacer := &fakeWeCom{}, &fakeBot{}, &countingPacer{}
	require.NoError(t, Deliver(context.Background(), files, sum, []Target{
		{Name: "managers", Type: wecom.Type, Notifier: wecomBot, Pacer: pacer},
		{Name: "henan-sales", Type: dingtalk.Type, Notifier: ding, Pacer: pacer},
	}, nil))
	require.Equal(t, []string{"managers", "managers", "managers", "henan-sales"}, pacer.receivers,
		"every file and the summary take a slot of their receiver")
	require.Len(t, wecomBot.files, 3)
	require.Len(t, ding.msgs, 1)
}
