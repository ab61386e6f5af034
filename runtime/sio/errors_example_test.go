package sio_test

import (
	"encoding/json"
	"fmt"

	"github.com/siogen/siogen/runtime/sio"
)

// BidTooLowDetails stands for the details type a contract declares.
type BidTooLowDetails struct {
	MinCents int64 `json:"min_cents"`
}

// DetailsAs gives a contract error's details typed, whether the error was
// made here or decoded from a peer's acknowledgement (generated code wraps
// it as AsBidTooLow).
func ExampleDetailsAs() {
	local := &sio.Error{Code: "failed_precondition", Name: "BidTooLow", Message: "bid higher", Details: &BidTooLowDetails{MinCents: 500}}
	if d, ok := sio.DetailsAs[BidTooLowDetails](local, "BidTooLow"); ok {
		fmt.Println("local:", d.MinCents)
	}

	received := new(sio.Error)
	_ = json.Unmarshal([]byte(`{"code":"failed_precondition","name":"BidTooLow","message":"bid higher","details":{"min_cents":9007199254740993}}`), received)
	if d, ok := sio.DetailsAs[BidTooLowDetails](fmt.Errorf("failed to bid: %w", received), "BidTooLow"); ok {
		fmt.Println("received:", d.MinCents) // exact: decoded from the JSON, not from a float64
	}
	_, ok := sio.DetailsAs[BidTooLowDetails](received, "RoomNotFound")
	fmt.Println("other name:", ok)
	// Output:
	// local: 500
	// received: 9007199254740993
	// other name: false
}
