package marklink

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cluebot/cluebot/console"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/transform"
)

// NonceTTL is how long the form a GET shows may be posted.
const NonceTTL = time.Hour

//go:embed page.html
var pageText string

var page = template.Must(template.New("page").Parse(pageText))

// Store is what the link's page reads and changes.
type Store interface {
	Clue(ctx context.Context, id string) (store.Clue, error)
	SetMark(ctx context.Context, m store.Mark) error
	Marks(ctx context.Context, clueIDs []string) (map[string]store.Mark, error)
	AddAudit(ctx context.Context, e store.AuditEntry) error
}

// Handler serves /m/{token}: GET shows the lead's masked summary and the
// buttons and never marks (chat apps fetch links to preview them); POST,
// with the nonce of that page and a same-origin Origin, records the mark.
type Handler struct {
	Signer *Signer
	Store  Store
	// Members returns the names a mark may be made by for a lead that took
	// routes: the routes' round-robin lists. Empty lets anyone mark as
	// "链接".
	Members func(routes []string) []string
	Zone    *time.Location // of the time shown; nil is UTC
	Log     *slog.Logger
}

// Register adds the link's routes to mux, with the console's security
// headers.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /m/{token}", console.Headers(http.HandlerFunc(h.get)))
	mux.Handle("POST /m/{token}", console.Headers(http.HandlerFunc(h.post)))
}

// pageData is what page.html shows; every field is escaped by html/template.
type pageData struct {
	Name, Phone, Page, Time, Mark, Nonce string
	WriteBack                            string // the vendor write-back's state, "" when none
	Who                                  []string
	Done                                 bool
}

// lead checks the token and reads its lead, answering 404 or 410 itself.
func (h *Handler) lead(w http.ResponseWriter, r *http.Request) (store.Clue, bool) {
	tok := r.PathValue("token")
	id, err := h.Signer.Verify(tok)
	switch {
	case errors.Is(err, ErrExpired):
		http.Error(w, "链接已过期", http.StatusGone)
		return store.Clue{}, false
	case err != nil:
		http.NotFound(w, r)
		return store.Clue{}, false
	}
	c, err := h.Store.Clue(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return c, false
	}
	if err != nil {
		h.Log.Error("mark link: read lead", "clue_id", id, "err", err)
		http.Error(w, "暂时无法读取线索", http.StatusInternalServerError)
		return c, false
	}
	return c, true
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	c, ok := h.lead(w, r)
	if !ok {
		return
	}
	h.show(w, r, c, false)
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request, c store.Clue, done bool) {
	zone := h.Zone
	if zone == nil {
		zone = time.UTC
	}
	d := pageData{Name: c.UserName, Phone: transform.Mask(c.Phone), Page: c.PageName,
		Time: c.CreateTime.In(zone).Format("2006-01-02 15:04"), Who: h.who(c),
		Nonce: h.nonce(r.PathValue("token")), Done: done}
	if len(d.Who) == 0 {
		d.Who = []string{anyone}
	}
	marks, err := h.Store.Marks(r.Context(), []string{c.ID})
	if err == nil {
		if m, ok := marks[c.ID]; ok {
			d.Mark = fmt.Sprintf("%s · %s · %s", statusLabel[m.Status], m.By, m.At.In(zone).Format("01-02 15:04"))
		}
	}
	if wbs, ok := h.Store.(store.WriteBacks); ok {
		if wb, err := wbs.WriteBackOf(r.Context(), c.ID); err == nil {
			d.WriteBack = console.WriteBackLabel(wb)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.Execute(w, d); err != nil {
		h.Log.Error("mark link: render", "err", err)
	}
}

// anyone is who a mark is by when the lead's routes have no round robin.
const anyone = "链接"

var statusLabel = map[string]string{store.MarkContacted: "已联系", store.MarkInvalid: "无效"}

func (h *Handler) who(c store.Clue) []string {
	if h.Members == nil {
		return nil
	}
	return h.Members(c.Routes)
}

func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	if !h.sameOrigin(r) {
		http.Error(w, "来源不符", http.StatusForbidden)
		return
	}
	c, ok := h.lead(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "表单有误", http.StatusBadRequest)
		return
	}
	if !h.nonceOK(r.PathValue("token"), r.PostForm.Get("nonce")) {
		http.Error(w, "页面已过期，请重新打开链接", http.StatusForbidden)
		return
	}
	status, by := r.PostForm.Get("status"), r.PostForm.Get("who")
	who := h.who(c)
	if _, ok := statusLabel[status]; !ok || !(slices.Contains(who, by) || len(who) == 0 && by == anyone) {
		http.Error(w, "表单有误", http.StatusBadRequest)
		return
	}
	m := store.Mark{ClueID: c.ID, Status: status, By: by, At: h.Signer.clock.Now()}
	if err := h.Store.SetMark(r.Context(), m); err != nil {
		h.Log.Error("mark link: set mark", "clue_id", c.ID, "err", err)
		http.Error(w, "暂时无法记录", http.StatusInternalServerError)
		return
	}
	if err := h.Store.AddAudit(r.Context(), store.AuditEntry{At: m.At, User: by, Action: "mark",
		Target: c.ID, Detail: status + " (link)"}); err != nil {
		h.Log.Error("mark link: audit", "clue_id", c.ID, "err", err)
	}
	h.show(w, r, c, true)
}

// sameOrigin refuses a POST a browser says came from another site: its
// Origin must be console.base_url's, and Sec-Fetch-Site, when sent, same-origin.
func (h *Handler) sameOrigin(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true // not a browser's cross-site form: the nonce still binds it to the page
	}
	u, err := url.Parse(h.Signer.base)
	return err == nil && strings.EqualFold(o, u.Scheme+"://"+u.Host)
}

// nonce binds a form to the token and the time its page was shown.
func (h *Handler) nonce(tok string) string {
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(h.Signer.clock.Now().Unix()))
	return base64.RawURLEncoding.EncodeToString(append(ts[:], h.Signer.sum("form", ts[:], []byte(tok))...))
}

// nonceOK reports whether n was made by nonce for tok within NonceTTL.
func (h *Handler) nonceOK(tok, n string) bool {
	b, err := base64.RawURLEncoding.DecodeString(n)
	if err != nil || len(b) != 8+macSize {
		return false
	}
	if !hmacEqual(b[8:], h.Signer.sum("form", b[:8], []byte(tok))) {
		return false
	}
	shown := time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0)
	age := h.Signer.clock.Now().Sub(shown)
	return age >= -time.Minute && age <= NonceTTL
}
