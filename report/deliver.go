package report

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
)

// deliverBackoff are the waits before the second and third attempt of a
// send that may succeed later. Tests shorten them.
var deliverBackoff = []time.Duration{2 * time.Second, 10 * time.Second}

// Target is one receiver of the daily report.
type Target struct {
	Name string // its key in `receivers:`
	Type string // a platform's type (receiver.Platforms) or notify.TypeEmail
	// Notifier sends chat messages. When it is also a notify.FileSender and
	// its platform takes files (Limits.MaxFile) it gets the files
	// themselves, else the summary message.
	Notifier notify.Notifier
	// Email sends the files by e-mail, for Type email.
	Email *EmailSender
	// SummaryTop is the rows per breakdown of the summary; 0 is the default.
	SummaryTop int
	// Pacer, when set, sends each chat message within the robot's rate
	// budget, with its alerts (a *dispatch.Deliverer); nil sends at once.
	Pacer Pacer
}

// Pacer sends a message to a receiver under the pacing its alerts use: the
// same shared slots and rate-limit pauses. *dispatch.Deliverer is one.
type Pacer interface {
	SendPaced(ctx context.Context, receiver string, send func(context.Context) (retry bool, err error)) (bool, error)
}

// send makes one chat message of the report reach t: each attempt through
// t's pacer when it has one, retried as withRetry says.
func (t Target) send(ctx context.Context, fn func(context.Context) (bool, error)) error {
	return withRetry(ctx, func() (bool, error) {
		if t.Pacer == nil {
			return fn(ctx)
		}
		return t.Pacer.SendPaced(ctx, t.Name, fn)
	})
}

// Deliver sends the report to every target: files to file-capable robots
// and e-mail, the summary to the other robots. A failing target does not
// stop the others; the errors, each naming its receiver, are joined.
func Deliver(ctx context.Context, files []string, sum *DaySummary, targets []Target, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var errs []error
	for _, t := range targets {
		how, err := deliverTo(ctx, files, sum, t, logger)
		if err != nil {
			logger.Error("report not delivered", "receiver", t.Name, "type", t.Type, "date", sum.Date, "err", err)
			errs = append(errs, fmt.Errorf("deliver report %s to %s: %w", sum.Date, t.Name, err))
			continue
		}
		logger.Info("report delivered", "receiver", t.Name, "type", t.Type, "date", sum.Date, "as", how)
	}
	return errors.Join(errs...)
}

// deliverTo sends to one target and says how: "file", "summary" or "email".
func deliverTo(ctx context.Context, files []string, sum *DaySummary, t Target, logger *slog.Logger) (string, error) {
	if t.Type == notify.TypeEmail {
		if t.Email == nil {
			return "", errors.New("no e-mail sender configured")
		}
		subject := fmt.Sprintf("%s: %d 条线索", sum.title(), sum.Total.Day)
		return "email", t.Email.Send(ctx, subject, summaryText(sum, t.SummaryTop), files)
	}
	if t.Notifier == nil {
		return "", errors.New("no notifier configured")
	}
	summary := func() (string, error) {
		msg := &notify.Message{Receiver: t.Name, Summary: sum.ChatSummary(t.SummaryTop)}
		return "summary", t.send(ctx, func(ctx context.Context) (bool, error) { return t.Notifier.Notify(ctx, msg) })
	}
	fs, ok := t.Notifier.(notify.FileSender)
	p, _ := receiver.Platforms().Lookup(t.Type)
	maxFile := p.Limits.MaxFile
	if !ok || maxFile == 0 {
		return summary()
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("read report: %w", err)
		}
		if len(data) > maxFile {
			logger.Warn("report too large for a chat file; sending the summary", "receiver", t.Name,
				"file", filepath.Base(path), "bytes", len(data), "max", maxFile)
			return summary()
		}
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("read report: %w", err)
		}
		name := filepath.Base(path)
		if err := t.send(ctx, func(ctx context.Context) (bool, error) { return fs.SendFile(ctx, name, data) }); err != nil {
			return "", fmt.Errorf("file %s: %w", name, err)
		}
	}
	return "file", nil
}

// withRetry calls send until it succeeds, fails in a way no retry mends
// (notify.Retryable says), or has failed len(deliverBackoff)+1 times, waiting in between (longer when the platform
// asks to, up to a minute; a paced target then also waits out the pause of
// its receiver).
func withRetry(ctx context.Context, send func() (bool, error)) error {
	for attempt := 0; ; attempt++ {
		_, err := send()
		if !notify.Retryable(err) || attempt >= len(deliverBackoff) {
			return err
		}
		wait := deliverBackoff[attempt]
		var ne *notify.Error
		if errors.As(err, &ne) && ne.RetryAfter > wait {
			wait = min(ne.RetryAfter, time.Minute)
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}
