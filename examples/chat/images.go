package main

import (
	"bytes"
	"container/list"
	"image"
	_ "image/gif" // decoders for image.DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/runtime/sio"
)

// maxImageBytes bounds the images kept in memory, in total; the oldest go
// first.
const maxImageBytes = 64 << 20

// imageStore keeps uploaded images in memory and serves them at
// /images/<id>. It is safe for concurrent use.
type imageStore struct {
	baseURL string // the server's public URL, without a trailing slash

	mu    sync.Mutex
	byID  map[string]*list.Element // of *storedImage
	order *list.List               // oldest first
	size  int
}

type storedImage struct {
	id, contentType string
	data            []byte
	added           time.Time
}

func newImageStore(baseURL string) *imageStore {
	return &imageStore{baseURL: strings.TrimSuffix(baseURL, "/"), byID: map[string]*list.Element{}, order: list.New()}
}

// add stores an image and returns the attachment that points at it. Only
// PNG, JPEG and GIF images are accepted.
func (st *imageStore) add(data []byte) (*chat.ImageRef, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > 16384 || cfg.Height > 16384 {
		return nil, sio.NewError(sio.CodeInvalidArgument, "the image must be a PNG, JPEG or GIF picture of at most 16384×16384 pixels")
	}
	img := &storedImage{id: newUUID(), contentType: "image/" + format, data: bytes.Clone(data), added: time.Now()}
	st.mu.Lock()
	st.byID[img.id] = st.order.PushBack(img)
	st.size += len(img.data)
	for st.size > maxImageBytes && st.order.Len() > 1 {
		old := st.order.Remove(st.order.Front()).(*storedImage)
		delete(st.byID, old.id)
		st.size -= len(old.data)
	}
	st.mu.Unlock()
	return &chat.ImageRef{URL: st.baseURL + "/images/" + img.id, Width: int32(cfg.Width), Height: int32(cfg.Height)}, nil
}

// ServeHTTP serves GET /images/<id>.
func (st *imageStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/images/")
	st.mu.Lock()
	el := st.byID[id]
	st.mu.Unlock()
	if el == nil {
		http.NotFound(w, r)
		return
	}
	img := el.Value.(*storedImage)
	w.Header().Set("Content-Type", img.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable") // ids are never reused
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", img.added, bytes.NewReader(img.data))
}
