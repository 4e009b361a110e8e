package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotDead is returned when a delivery asked to be retried is not dead.
var ErrNotDead = errors.New("delivery is not dead")

// Roles of console users.
const (
	RoleAdmin  = "admin"
	RoleViewer = "viewer"
)

// Session is a signed-in console user. The store keeps only a hash of the
// cookie value, so a leaked database holds no usable session.
type Session struct {
	IDHash    string // hex SHA-256 of the cookie value
	User      string
	Role      string
	CSRF      string // the token every change must carry
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AuditEntry records who changed what in the console or the command line.
// Detail never holds a phone number or a token.
type AuditEntry struct {
	ID     int64
	At     time.Time
	User   string
	Action string // e.g. "retry", "retry-dead", "forget", "mark", "rules", "auth-add"
	Target string // what it acted on: a delivery id, a receiver, a lead id
	Detail string
}

// SearchTotalMax bounds the total SearchClues reports: counting every match
// of a common word among millions of leads would take seconds, so a total of
// SearchTotalMax means "at least that many" (the console shows 5000+). It
// is also where a search stops sorting its matches and walks the clues
// newest first instead: at 5,000,000 leads either reads about as many rows
// at this bound (see store/storetest BenchConsole).
const SearchTotalMax = 5000

// LoginFailuresKept is how long AddLoginFailure keeps a failure: older ones
// may be pruned, so LoginFailures counts only within this window.
const LoginFailuresKept = time.Hour

// LeadQuery selects stored clues for the console's search. Q matches a
// user_name (substring), a phone (whole, or its last 4 digits), an id
// (exact) or a page_name (substring); empty matches all. A substring needs
// 3 characters to be looked up by index: a Q of 1 or 2 characters matches
// the names and page names that start with it. From and To bound
// create_time, [From, To); zero is open. Route keeps the clues that took
// that route. Results are newest first (create_time, then id, descending).
type LeadQuery struct {
	Q      string
	From   time.Time
	To     time.Time
	Route  string
	Limit  int
	Offset int
}

// DeliveryQuery selects outbox rows by state ("" any) and receiver ("" any),
// newest first. A Limit <= 0 is 50, more than 500 is 500.
type DeliveryQuery struct {
	State    string
	Receiver string
	Limit    int
	Offset   int
}

// Mark statuses: what someone recorded about a lead in cluebot.
const (
	MarkContacted = "contacted"
	MarkInvalid   = "invalid"
)

// Mark is the latest mark of a lead; a later mark replaces an earlier one.
type Mark struct {
	ClueID string
	Status string
	By     string
	At     time.Time
}

// HourCount is the number of leads collected in one hour of a day.
type HourCount struct {
	Hour  int // 0..23 in the zone of the day asked for
	Count int
}

// Overview is what the console's first page shows of the store.
type Overview struct {
	Outbox        OutboxStats
	TodayTotal    int
	TodayUnrouted int
	TodayByRoute  map[string]int
	TodayByHour   []HourCount // the 24 hours of the day, in order
}

// Console is what the web console reads and changes in the store.
type Console interface {
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session with that hash, or ErrNotFound when it is
	// unknown or expired at now.
	Session(ctx context.Context, idHash string, now time.Time) (Session, error)
	// DeleteSession ends one session; an unknown one is no error.
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteSessionsExcept ends the sessions of every user not in users
	// (a user removed from cluebot.yaml) and returns how many ended.
	DeleteSessionsExcept(ctx context.Context, users []string) (int, error)

	// AddLoginFailure counts a failed sign-in for name at at.
	AddLoginFailure(ctx context.Context, name string, at time.Time) error
	// LoginFailures counts name's failed sign-ins since since.
	LoginFailures(ctx context.Context, name string, since time.Time) (int, error)

	// AddAudit appends to the audit log.
	AddAudit(ctx context.Context, e AuditEntry) error
	// Audit returns audit entries, newest first; limit as DeliveryQuery's.
	Audit(ctx context.Context, limit, offset int) ([]AuditEntry, error)

	// SearchClues returns the clues matching q and how many match in all,
	// at most SearchTotalMax. A Limit <= 0 is 50, more than 500 is 500.
	SearchClues(ctx context.Context, q LeadQuery) (clues []Clue, total int, err error)
	// Deliveries lists outbox rows.
	Deliveries(ctx context.Context, q DeliveryQuery) ([]OutboxItem, error)
	// Delivery returns one outbox row, or ErrNotFound.
	Delivery(ctx context.Context, id int64) (OutboxItem, error)
	// RequeueDead makes a dead row pending and due at now, once: ErrNotFound
	// for an unknown id, ErrNotDead for a row that is not dead. Its attempts
	// start again from 0, keeping its last error until it is sent.
	RequeueDead(ctx context.Context, id int64, now time.Time) error
	// RequeueDeadOf requeues every dead row of receiver and returns how many.
	RequeueDeadOf(ctx context.Context, receiver string, now time.Time) (int, error)

	// SetMark records a mark, replacing the lead's earlier one; an unknown
	// clue id is an error wrapping ErrNotFound.
	SetMark(ctx context.Context, m Mark) error
	// Marks returns the marks of the given clues by clue id.
	Marks(ctx context.Context, clueIDs []string) (map[string]Mark, error)
	// OutboxOf returns the outbox rows of the given clues by clue id, each
	// clue's by row id, in one query (a page of leads needs one, not one a
	// lead); a clue without rows, or unknown, is absent.
	OutboxOf(ctx context.Context, clueIDs []string) (map[string][]OutboxItem, error)

	// ForgetPhone erases every clue with that phone, with its history,
	// outbox rows and marks, in one transaction, and returns how many clues.
	ForgetPhone(ctx context.Context, phone string) (int, error)

	// Overview summarises the outbox and the leads collected in [dayStart,
	// dayStart+24h), by route and by hour in dayStart's zone.
	Overview(ctx context.Context, now, dayStart time.Time) (Overview, error)
}
