package generated_test

import (
	"testing"

	"github.com/siogen/siogen/examples/generated/go/contract"
	"github.com/siogen/siogen/examples/generated/go/contract/contracttest"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/sio/siotest"
	"github.com/siogen/siogen/runtime/siojson"
)

// TestContractCases runs the generated contract test of the contract that
// uses every rule against its echoing server, over the network (a URL):
// every derived payload, at each edge and breaking each rule once, must
// be answered as the contract says, with the right JSON pointer.
func TestContractCases(t *testing.T) {
	t.Parallel()
	url, _ := startContract(t, nil)
	contracttest.TestContractContract(t, siotest.URL(url), &contract.ContractAuth{Token: "t"}, nil)
}

// TestFakeClientAnswersServerCalls drives the echoing contract server with
// the generated fake client: its scripted answer to the server's ask
// comes back in the server's answer, and the push the server refused to
// send (it breaks the contract) never reaches the client.
func TestFakeClientAnswersServerCalls(t *testing.T) {
	t.Parallel()
	srv := sio.NewServer(nil)
	contract.RegisterContractServer(srv, contractServer{})
	ts := siotest.NewServer(t, srv)
	c := contracttest.NewContractClient(t, ts, &contract.ContractAuth{Token: "t"}, nil)
	c.Ask.Return(contract.ContractAskAckNo, nil)

	// A valid Everything: the contract test's first case.
	in, vs := siojson.Decode([]byte(contracttest.ContractContract[0].Cases[0].Args[0]), nil, siojson.ReadPointer[contract.Everything])
	if vs != nil {
		t.Fatal(vs)
	}
	in.Text = "ask"
	out, err := c.Check(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Note == nil || *out.Note != "no" {
		t.Errorf("note = %v, want the scripted answer", out.Note)
	}
	dark := "dark" // the contract's default, applied on receipt
	c.ExpectAsk(&contract.Settings{Theme: &dark})
	if len(c.Log.Entries()) != 1 {
		t.Errorf("the client received %d events, want the ask only", len(c.Log.Entries()))
	}
}
