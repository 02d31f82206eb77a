//go:build linux

package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/centrifugal/centrifuge"

	"github.com/watchroom/watchroom/watch"
)

// fanPeer is the peer the hub is measured against: a minimal server on
// github.com/centrifugal/centrifuge (the library behind Centrifugo), with
// its defaults, its JSON protocol over websocket, every connection
// subscribed on the server's side to one channel, and an in-memory
// broker. It delivers the same payloads as the hub (the bytes of the
// hub's messages for the events of the watchroom phase, with a new seq
// and stamp) to the same clients. A bench-only dependency.
type fanPeer struct {
	node      *centrifuge.Node
	srv       *http.Server
	addr      string
	templates []fanWire
	seq       int64
}

const fanPeerChannel = "board"

// fanWire is an event as the hub sends it (live's message).
type fanWire struct {
	Seq   int64           `json:"seq"`
	Epoch string          `json:"epoch"`
	Type  string          `json:"type"`
	At    time.Time       `json:"at"`
	Data  json.RawMessage `json:"data"`
}

// startFanPeer serves the peer on a loopback port; templates are the
// watchroom phase's events, whose payloads it publishes again.
func startFanPeer(epoch string, evs []watch.Event) (*fanPeer, error) {
	if len(evs) == 0 {
		return nil, errors.New("the peer needs the watchroom phase's events to publish")
	}
	node, err := centrifuge.New(centrifuge.Config{LogLevel: centrifuge.LogLevelNone})
	if err != nil {
		return nil, err
	}
	node.OnConnecting(func(context.Context, centrifuge.ConnectEvent) (centrifuge.ConnectReply, error) {
		return centrifuge.ConnectReply{Credentials: &centrifuge.Credentials{UserID: "bench"},
			Subscriptions: map[string]centrifuge.SubscribeOptions{fanPeerChannel: {}}}, nil
	})
	node.OnConnect(func(*centrifuge.Client) {})
	if err := node.Run(); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = node.Shutdown(context.Background())
		return nil, err
	}
	mux := http.NewServeMux()
	// the default origin check: the Origin's host must be the request's
	mux.Handle("/connection/websocket", centrifuge.NewWebsocketHandler(node, centrifuge.WebsocketConfig{}))
	p := &fanPeer{node: node, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, addr: ln.Addr().String()}
	for _, ev := range evs {
		p.templates = append(p.templates, fanWire{Epoch: epoch, Type: ev.Type, At: ev.At, Data: ev.Data})
	}
	go p.srv.Serve(ln)
	return p, nil
}

func (p *fanPeer) target() fanTarget {
	return fanTarget{Addr: netip.MustParseAddrPort(p.addr), Origin: "http://" + p.addr, Peer: true}
}

func (p *fanPeer) clients() int { return p.node.Hub().NumClients() }

// publish sends the next template with seq and stamp renewed; the stamp
// is the publish time, and the commit is the call to Publish.
func (p *fanPeer) publish(i int) (fanCommit, error) {
	w := p.templates[i%len(p.templates)]
	stamp := time.Now()
	p.seq++
	w.Seq, w.At = p.seq, stamp.UTC()
	w.Data = fanRestamp(w.Data, stamp.UnixNano())
	b, err := json.Marshal(w)
	if err != nil {
		return fanCommit{}, err
	}
	committed := time.Now()
	_, err = p.node.Publish(fanPeerChannel, b)
	return fanCommit{seqs: []int64{p.seq}, stamp: stamp.UnixNano(), committed: committed.UnixNano(), took: time.Since(stamp)}, err
}

func (p *fanPeer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = p.srv.Close()
	_ = p.node.Shutdown(ctx)
}

// fanRestamp replaces the number after the stamp mark in data.
func fanRestamp(data []byte, stamp int64) []byte {
	i := bytes.Index(data, fanStampMark)
	if i < 0 {
		return data
	}
	j := i + len(fanStampMark)
	k := j
	for k < len(data) && data[k] >= '0' && data[k] <= '9' {
		k++
	}
	out := append(bytes.Clone(data[:j]), strconv.FormatInt(stamp, 10)...)
	return append(out, data[k:]...)
}
