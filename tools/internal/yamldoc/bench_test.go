package yamldoc

import (
	"os"
	"testing"
)

// BenchmarkRecord compares the two ways a record is read: the fast path and
// yaml.v3's node tree with its conversion to a value.
func BenchmarkRecord(b *testing.B) {
	data, err := os.ReadFile("../../../examples/group/issues/2025/EMB-2025-0002.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if _, ok := FastValue(data); !ok {
		b.Fatal("the example record does not take the fast path")
	}
	b.Run("FastValue", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for range b.N {
			FastValue(data)
		}
	})
	b.Run("yaml.v3", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for range b.N {
			doc, err := Parse("r.yaml", data)
			if err != nil {
				b.Fatal(err)
			}
			doc.Value()
		}
	})
}
