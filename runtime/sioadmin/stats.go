package sioadmin

import (
	"cmp"
	"os"
	"slices"
	"time"
)

// serverStats is what "server_stats" carries (the reference's ServerStats).
type serverStats struct {
	ServerID            string             `json:"serverId"`
	Hostname            string             `json:"hostname"`
	PID                 int                `json:"pid"`
	Uptime              float64            `json:"uptime"`
	ClientsCount        int                `json:"clientsCount"`
	PollingClientsCount int                `json:"pollingClientsCount"`
	AggregatedEvents    []aggregatedEvent  `json:"aggregatedEvents"`
	Namespaces          []namespaceDetails `json:"namespaces"`
}

type aggregatedEvent struct {
	Timestamp int64  `json:"timestamp"` // milliseconds, a whole second
	Type      string `json:"type"`
	SubType   string `json:"subType,omitempty"`
	Count     int    `json:"count"`
}

type namespaceDetails struct {
	Name         string `json:"name"`
	SocketsCount int    `json:"socketsCount"`
}

// statsLoop sends the stats every interval until Close, and tells the UIs
// of the sockets that have left long-polling for websocket.
func (a *Admin) statsLoop() {
	defer close(a.loopEnded)
	t := time.NewTicker(a.opts.StatsInterval)
	defer t.Stop()
	for {
		select {
		case <-a.done:
			return
		case <-t.C:
		}
		a.emit("server_stats", a.stats(true))
		if !a.opts.Production {
			a.upgrades()
		}
	}
}

// stats are the server's current figures; drain takes the aggregated
// events counted since the last time (a new UI gets none).
func (a *Admin) stats(drain bool) serverStats {
	st := serverStats{
		ServerID:         a.opts.ServerID,
		Hostname:         a.hostname,
		PID:              os.Getpid(),
		Uptime:           time.Since(a.started).Seconds(),
		ClientsCount:     a.srv.Engine().Len(),
		AggregatedEvents: []aggregatedEvent{},
		Namespaces:       []namespaceDetails{},
	}
	polling := map[string]bool{}
	for _, ns := range a.srv.Namespaces() {
		socks := ns.Sockets()
		st.Namespaces = append(st.Namespaces, namespaceDetails{Name: ns.Name(), SocketsCount: len(socks)})
		for _, s := range socks {
			if s.Transport() == "polling" {
				polling[s.ClientID()] = true
			}
		}
	}
	st.PollingClientsCount = len(polling)
	if drain {
		a.mu.Lock()
		for k, n := range a.events {
			st.AggregatedEvents = append(st.AggregatedEvents, aggregatedEvent{Timestamp: k.second * 1000, Type: k.typ, SubType: k.subType, Count: n})
		}
		clear(a.events)
		a.mu.Unlock()
		slices.SortFunc(st.AggregatedEvents, func(x, y aggregatedEvent) int {
			return cmp.Or(cmp.Compare(x.Timestamp, y.Timestamp), cmp.Compare(x.Type, y.Type), cmp.Compare(x.SubType, y.SubType))
		})
	}
	return st
}

// upgrades sends "socket_updated" for each socket that was on long-polling
// and now is on websocket.
func (a *Admin) upgrades() {
	type update struct {
		ID        string `json:"id"`
		Nsp       string `json:"nsp"`
		Transport string `json:"transport"`
	}
	a.mu.Lock()
	keys := make([]sockKey, 0, len(a.polling))
	for k := range a.polling {
		keys = append(keys, k)
	}
	a.mu.Unlock()
	var done []update
	for _, k := range keys {
		var tr string
		if ns := a.lookup(k.nsp); ns != nil {
			if s := ns.Socket(k.id); s != nil {
				tr = s.Transport()
			}
		}
		if tr == "polling" {
			continue
		}
		a.mu.Lock()
		delete(a.polling, k)
		a.mu.Unlock()
		if tr != "" {
			done = append(done, update{k.id, k.nsp, tr})
		}
	}
	for _, u := range done {
		a.emit("socket_updated", u)
	}
}
