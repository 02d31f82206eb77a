package evidence

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/nlnwa/gowarc/v3"

	"github.com/watchroom/watchroom/watch/fetch"
)

// warcMeta is what the WARC's warcinfo and metadata records say about
// the capture beyond the HTTP exchanges themselves.
type warcMeta struct {
	tool, by, note, operation string
	hitID                     int64
	at                        time.Time
}

// buildWARC writes one capture as a WARC 1.1 file (uncompressed): a
// warcinfo record, then for each hop a request and a response record
// (concurrent to each other, with the address connected to), then a
// metadata record with the redirect chain and the TLS certificate
// fingerprints. Block and payload digests are SHA-256.
func buildWARC(cap *fetch.Captured, m warcMeta) ([]byte, error) {
	var buf bytes.Buffer
	marshaler := gowarc.NewMarshaler()
	opts := []gowarc.WarcRecordOption{
		gowarc.WithVersion(gowarc.V1_1),
		gowarc.WithDefaultDigestAlgorithm("sha256"),
		gowarc.WithAddMissingDigest(true),
		gowarc.WithAddMissingContentLength(true),
		gowarc.WithStrictValidation(),
	}
	write := func(rt gowarc.RecordType, id string, headers [][2]string, block []byte) error {
		rb := gowarc.NewRecordBuilder(rt, opts...)
		rb.AddWarcHeader(gowarc.WarcRecordID, "<urn:uuid:"+id+">")
		for _, h := range headers {
			rb.AddWarcHeader(h[0], h[1])
		}
		if _, err := rb.Write(block); err != nil {
			return err
		}
		rec, _, err := rb.Build()
		if err != nil {
			return fmt.Errorf("WARC %s record: %w", rt, err)
		}
		defer rec.Close()
		if _, _, err := marshaler.Marshal(&buf, rec, 0); err != nil {
			return fmt.Errorf("WARC %s record: %w", rt, err)
		}
		return nil
	}

	date := m.at.UTC().Format(time.RFC3339Nano)
	infoID := uuid.NewString()
	info := fields(
		"software", m.tool,
		"format", "WARC File Format 1.1",
		"conformsTo", "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
		"operator", m.by,
		"description", "Evidential capture of a public URL. "+
			"HTTP/1.1 messages as sent and received; a chunked transfer coding is removed from bodies, content codings kept.",
	)
	if err := write(gowarc.Warcinfo, infoID, [][2]string{
		{gowarc.WarcDate, date},
		{gowarc.ContentType, gowarc.ApplicationWarcFields},
	}, info); err != nil {
		return nil, err
	}

	var finalID string
	for _, ex := range cap.Exchanges {
		reqID, respID := uuid.NewString(), uuid.NewString()
		common := [][2]string{
			{gowarc.WarcDate, ex.Started.UTC().Format(time.RFC3339Nano)},
			{gowarc.WarcTargetURI, ex.URL},
			{gowarc.WarcWarcinfoID, "<urn:uuid:" + infoID + ">"},
		}
		if ip := ex.RemoteIP(); ip != "" {
			common = append(common, [2]string{gowarc.WarcIPAddress, ip})
		}
		if err := write(gowarc.Request, reqID, append(append([][2]string{}, common...),
			[2]string{gowarc.ContentType, "application/http;msgtype=request"},
			[2]string{gowarc.WarcConcurrentTo, "<urn:uuid:" + respID + ">"}), ex.RawRequest()); err != nil {
			return nil, err
		}
		if err := write(gowarc.Response, respID, append(append([][2]string{}, common...),
			[2]string{gowarc.ContentType, "application/http;msgtype=response"},
			[2]string{gowarc.WarcConcurrentTo, "<urn:uuid:" + reqID + ">"}), ex.RawResponse()); err != nil {
			return nil, err
		}
		finalID = respID
	}

	final := cap.Final()
	kv := []string{"capturedBy", m.by, "captureTime", date, "note", m.note}
	if m.hitID != 0 {
		kv = append(kv, "hit", fmt.Sprint(m.hitID))
	}
	if m.operation != "" {
		kv = append(kv, "operation", m.operation)
	}
	for _, ex := range cap.Exchanges {
		kv = append(kv, "hop", fmt.Sprintf("%d %s %s %s", ex.Status, ex.URL, ex.RemoteIP(), ex.Proto))
	}
	if final.TLS != nil {
		kv = append(kv, "tlsVersion", final.TLS.Version, "tlsCipherSuite", final.TLS.CipherSuite, "tlsServerName", final.TLS.ServerName)
		for _, fp := range final.TLS.CertSHA256 {
			kv = append(kv, "certificateSHA256", fp)
		}
	}
	if err := write(gowarc.Metadata, uuid.NewString(), [][2]string{
		{gowarc.WarcDate, date},
		{gowarc.WarcTargetURI, final.URL},
		{gowarc.WarcRefersTo, "<urn:uuid:" + finalID + ">"},
		{gowarc.WarcWarcinfoID, "<urn:uuid:" + infoID + ">"},
		{gowarc.ContentType, gowarc.ApplicationWarcFields},
	}, fields(kv...)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fields writes name/value pairs as application/warc-fields; line breaks
// inside a value are folded to spaces.
func fields(kv ...string) []byte {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		v := strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(kv[i+1])
		b.WriteString(kv[i] + ": " + v + "\r\n")
	}
	return []byte(b.String())
}
