package generated_test

import (
	"testing"

	"github.com/siogen/siogen/examples/generated/go/contract"
	"github.com/siogen/siogen/examples/generated/go/contract/contracttest"
	"github.com/siogen/siogen/runtime/sio/siotest"
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
