package receiver_test

import (
	"testing"

	"github.com/cluebot/cluebot/notify"
	"github.com/cluebot/cluebot/notify/receiver"
	"github.com/cluebot/cluebot/notify/webhook"
)

// BenchmarkRender measures how many messages a second each platform renders
// into the body it posts (templates, escaping, size fitting, JSON), for one
// lead and for a digest of 10.
func BenchmarkRender(b *testing.B) {
	one := &notify.Message{Alerts: lead(sampleAlert)}
	ten := &notify.Message{}
	for i := range 10 {
		ten.Alerts = append(ten.Alerts, digestAlert(i))
	}
	for _, typ := range append(platforms, webhook.Type) {
		cfg := notify.ReceiverConfig{Type: typ, URL: "https://example.com/cgi-bin/webhook/send?key=k", Secret: "SECx"}
		n, err := receiver.Build(typ, &cfg, nil, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		p := n.(receiver.Previewer)
		for name, msg := range map[string]*notify.Message{"lead": one, "digest10": ten} {
			b.Run(typ+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := p.Body(msg); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}
