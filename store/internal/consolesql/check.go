package consolesql

import (
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/store"
)

// CheckSession rejects a session the store could not serve back.
func CheckSession(s *store.Session) error {
	if s.IDHash == "" || s.User == "" {
		return errors.New("session id hash and user must be set")
	}
	if s.Role != store.RoleAdmin && s.Role != store.RoleViewer {
		return fmt.Errorf("session role %q is not one of admin, viewer", s.Role)
	}
	if s.ExpiresAt.IsZero() {
		return errors.New("session expiry must be set")
	}
	return nil
}

// CheckMark rejects a mark without a clue, a known status, or a time.
func CheckMark(m *store.Mark) error {
	if m.ClueID == "" || m.At.IsZero() {
		return errors.New("mark clue id and time must be set")
	}
	if m.Status != store.MarkContacted && m.Status != store.MarkInvalid {
		return fmt.Errorf("mark status %q is not one of contacted, invalid", m.Status)
	}
	return nil
}

// CheckAudit rejects an audit entry without a time, user or action.
func CheckAudit(e *store.AuditEntry) error {
	if e.At.IsZero() || e.User == "" || e.Action == "" {
		return errors.New("audit entry time, user and action must be set")
	}
	return nil
}

// CheckPhone rejects the empty phone: forgetting it would erase every lead
// that has none.
func CheckPhone(phone string) error {
	if phone == "" {
		return errors.New("phone must be set")
	}
	return nil
}

// Users returns users, never nil, for a list every backend binds as an
// array.
func Users(users []string) []string {
	if users == nil {
		return []string{}
	}
	return users
}
