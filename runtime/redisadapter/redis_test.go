package redisadapter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogen/siogen/internal/redistest"
)

type redisServer = redistest.Server

func startRedis(t *testing.T, persistent bool) *redisServer { return redistest.Start(t, persistent) }

// waitNumSub waits until n connections subscribe to channel.
func waitNumSub(t *testing.T, c *redis.Client, channel string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		m, err := c.PubSubNumSub(context.Background(), channel).Result()
		if err == nil && int(m[channel]) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: want %d subscribers, have %v (%v)", channel, n, m[channel], err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitNodes waits until n nodes serve namespace nsp: subscribers of the
// request channel (classic) or of the namespace's shard channel (sharded).
func waitNodes(t *testing.T, c *redis.Client, mode, nsp string, n int) {
	t.Helper()
	if mode != "sharded" {
		waitNumSub(t, c, "socket.io-request#"+nsp+"#", n)
		return
	}
	waitShardSubs(t, c, "socket.io#"+nsp+"#", n)
}

// waitShardSubs waits until n clients have subscribed to channel with
// SSUBSCRIBE.
func waitShardSubs(t *testing.T, c *redis.Client, channel string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		m, err := c.PubSubShardNumSub(context.Background(), channel).Result()
		if err == nil && int(m[channel]) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: want %d shard subscribers, have %v (%v)", channel, n, m[channel], err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mustf(t *testing.T, err error, format string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
}
