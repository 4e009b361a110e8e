package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cluebot/cluebot/console"
)

// stdin is where `user hash` reads the password; tests replace it.
var stdin io.Reader = os.Stdin

// cmdUser implements `cluebot user hash`: the first line of stdin is the
// password, the bcrypt hash for console.users[].password_hash goes to
// stdout. The password never is an argument, so it stays out of the shell
// history and the process list.
func cmdUser(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "hash" {
		return usageErr("usage: cluebot user hash < password")
	}
	fs, _ := newFlags("user hash", stderr)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return usageErr("no password on stdin (echo it in, or type it and press Enter)")
	}
	hash, err := console.HashPassword(password)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, hash)
	return nil
}
