package siovalidate_test

import (
	"testing"

	"github.com/siogen/siogen/runtime/siovalidate"
)

// BenchmarkValidate measures one typical payload: a 100-byte chat message
// to send, valid and invalid.
func BenchmarkValidate(b *testing.B) {
	v := newValidator(b)
	id := baseID + "chat/Chat/MessageSend.payload.json"
	cases := []struct {
		name string
		data []byte
	}{
		{"valid", []byte(`{"room":"general","text":"Hello everyone, the build is green again.","client_id":"c-1234567890"}`)},
		{"invalid", []byte(`{"room":"General!","text":"","client_id":"c-1234567890","extra":true,"reply_to":"nope"}`)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for b.Loop() {
				_ = v.Validate(id, c.data)
			}
		})
	}
	b.Run("union/parallel", func(b *testing.B) {
		data := []byte(`{"id":"6f1c2a7e-3b1d-4b8e-9a51-2f3c4d5e6f70","room":"r1","author":{"id":"0b7f6c1e-2d3a-4c5b-8e9f-a0b1c2d3e4f5","nickname":"ann"},"text":"x","reply_to":null,"sent_at":"2024-05-01T12:00:00Z","attachments":[{"kind":"link","url":"https://x.test"}]}`)
		id := baseID + "chat/Chat/MessageNew.payload.json"
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if v.Validate(id, data) != nil {
					b.Error("invalid")
					return
				}
			}
		})
	})
}

// BenchmarkNew measures compiling every document of the example contracts.
func BenchmarkNew(b *testing.B) {
	var all [][]byte
	for _, d := range docs(b) {
		all = append(all, d)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := siovalidate.New(all...); err != nil {
			b.Fatal(err)
		}
	}
}
