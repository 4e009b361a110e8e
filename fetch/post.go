package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	json "github.com/goccy/go-json"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/secret"
)

// envelope is the vendor's response wrapper with its data decoded as a T in
// the same pass: a page is read once, not once for the envelope and again
// for its data. Data is nil when the answer has none (null or absent);
// dataErr says why data that is there is no T.
type envelope[T any] struct {
	Code      json.RawMessage `json:"code"`
	Message   clue.Str        `json:"message"`
	RequestID clue.Str        `json:"request_id"`
	Data      *T              `json:"data"`
	status    int
	dataErr   error
}

// decode reads raw into e. A body that is an envelope whose data is no T
// (a busy answer's "data": [], say) decodes without its data, the reason in
// dataErr, so that its code still decides what the failure is.
func (e *envelope[T]) decode(raw []byte) error {
	err := unmarshal(raw, e)
	if err == nil {
		return nil
	}
	var bare envelope[json.RawMessage]
	if unmarshal(raw, &bare) != nil {
		return err
	}
	*e = envelope[T]{Code: bare.Code, Message: bare.Message, RequestID: bare.RequestID, status: e.status, dataErr: err}
	return nil
}

// post makes one call and returns the envelope of a success (2xx, code 0),
// its data decoded as a T. Anything else is an *APIError, or the context's
// error when ctx ended.
func post[T any](ctx context.Context, c *Client, op, path, token string, body any, scrub *secret.Scrubber) (*envelope[T], error) {
	return postOK[T](ctx, c, op, path, token, body, scrub, 0)
}

// postOK is post for an endpoint whose success code is ok: the approval
// list answers code 1 where every other endpoint answers 0.
func postOK[T any](ctx context.Context, c *Client, op, path, token string, body any, scrub *secret.Scrubber, ok int) (*envelope[T], error) {
	buf, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("%s: encode request: %w", op, err)
	}
	url := strings.TrimRight(c.cfg.BaseURL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(buf))
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("access-token", token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", op, ctx.Err())
		}
		class := Classify(err)
		if errors.Is(err, context.DeadlineExceeded) {
			class = ClassRetryable // ctx is live: the http client's own timeout
		}
		return nil, &APIError{Op: op, Class: class, Err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	var raw []byte
	if resp.ContentLength <= maxBody {
		raw, err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	}
	if resp.ContentLength > maxBody || int64(len(raw)) > maxBody {
		return nil, &APIError{Op: op, HTTPStatus: resp.StatusCode, Class: ClassPermanent, Err: ErrResponseTooLarge}
	}
	env := envelope[T]{status: resp.StatusCode}
	if err == nil {
		err = env.decode(raw)
	}
	var code clue.Int
	if err == nil && (len(env.Code) == 0 || string(env.Code) == "null") {
		err = errors.New("response carries no code")
	} else if err == nil {
		_ = code.UnmarshalJSON(env.Code)
	}
	status := resp.StatusCode
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", op, ctx.Err())
		}
		class := ClassRetryable
		if status >= 400 && status < 500 && status != http.StatusTooManyRequests {
			class = ClassPermanent
		}
		return nil, &APIError{Op: op, HTTPStatus: status, Class: class, Err: fmt.Errorf("decode response: %w", err)}
	}
	if int(code) != ok || status < 200 || status > 299 {
		msg := scrub.Scrub(string(env.Message))
		return nil, &APIError{Op: op, HTTPStatus: status, Code: int(code), Message: msg,
			RequestID: string(env.RequestID), Class: classifyResponse(status, failed(int(code), ok), msg)}
	}
	return &env, nil
}

// failed returns a vendor code as classifyResponse reads it: 0 when code is
// the endpoint's success code, else code, or -1 for a 0 where 1 was success.
func failed(code, ok int) int {
	switch {
	case code == ok:
		return 0
	case code == 0:
		return -1
	}
	return code
}
