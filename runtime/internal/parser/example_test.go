package parser_test

import (
	"errors"
	"fmt"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// Example_decode decodes a binary event and its attachment, as they arrive
// in two Engine.IO messages, then reads the event name and arguments.
func Example_decode() {
	var d parser.Decoder
	_, complete, err := d.DecodeText([]byte(`51-/admin,7["upload",{"_placeholder":true,"num":0}]`))
	fmt.Println(complete, err)
	p, complete, err := d.DecodeBinary([]byte{1, 2, 3, 4})
	fmt.Println(complete, err)

	fmt.Println(p.Type, p.Namespace, p.ID, p.HasID, len(p.Attachments))
	elems, _ := parser.SplitArray(p.Data)
	name, _ := parser.UnquoteString(elems[0])
	num, _ := parser.ParsePlaceholder(elems[1])
	fmt.Printf("%s %x\n", name, p.Attachments[num])

	_, _, err = d.DecodeText([]byte(`2["connect"]`))
	var perr *parser.Error
	fmt.Println(errors.As(err, &perr), perr.Code, errors.Is(err, parser.ErrInvalidPacket))
	// Output:
	// false <nil>
	// true <nil>
	// BINARY_EVENT /admin 7 true 1
	// upload 01020304
	// true reserved event name true
}

func ExampleAppendEncode() {
	data := []byte(`["upload",`)
	data = parser.AppendPlaceholder(data, 0)
	data = append(data, ']')
	p := &parser.Packet{
		Type:        parser.BinaryEvent,
		Namespace:   "/admin",
		ID:          7,
		HasID:       true,
		Data:        data,
		Attachments: [][]byte{{1, 2, 3, 4}},
	}
	msg := parser.AppendEncode([]byte("4"), p) // with the Engine.IO message prefix
	fmt.Println(string(msg))
	// Output:
	// 451-/admin,7["upload",{"_placeholder":true,"num":0}]
}
