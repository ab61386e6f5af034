package main

import (
	"embed"
	"io/fs"
)

// embedded is the chat page as committed: web/dist/app.js is built by
// web/build.mjs, and TestBundleUpToDate fails when it is stale.
//
//go:embed web/index.html web/style.css web/dist/app.js
var embedded embed.FS

// embeddedWeb returns the page's files: index.html, style.css, dist/app.js.
func embeddedWeb() fs.FS {
	web, err := fs.Sub(embedded, "web")
	if err != nil {
		panic(err) // "web" is a valid path: unreachable
	}
	return web
}
