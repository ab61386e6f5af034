// The Socket.IO Admin UI (the built page of the pinned npm package
// @socket.io/admin-ui, served by the chat server at /admin-ui/) in real
// headless Chromium, driven by playwright-core against the chat server's
// runtime/sioadmin namespace. Run by admin_test.go, which starts the server
// and two Go chat clients, and reads the JSON lines this script prints:
//
//	node admin.mjs <chat url> <user> <password> <socket id on websocket> <socket id on polling> <artifacts dir>
//
// The second socket is disconnected from the page; the first is made to
// join the room "picked-by-admin"; a third, from Node's socket.io-client,
// speaks while the events page watches.
import { chromium } from "playwright-core";
import { io } from "socket.io-client";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const [base, user, password, wsID, pollingID, artifacts] = process.argv.slice(2);
const executablePath = process.env.SIOGEN_CHROMIUM || "/usr/bin/chromium";
const T = 15_000; // per-step timeout: generous, the machine is shared

const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
let failed = 0;
let page;
async function check(name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    out({ event: "check", name, ok: true, ms: Date.now() - start, ...(detail ? { detail } : {}) });
  } catch (e) {
    failed++;
    const text = await page?.locator("body").innerText().catch(() => "");
    out({ event: "check", name, ok: false, ms: Date.now() - start, detail: String(e?.stack || e) + "\npage text:\n" + text?.slice(0, 2000) });
    if (page) await shot("failed-" + name.replace(/\W+/g, "-"));
  }
}
async function shot(name) {
  const file = path.join(artifacts, name + ".png");
  await page.screenshot({ path: file, fullPage: true });
  out({ event: "screenshot", path: file });
}
// go changes the page's hash route, as the navigation drawer does, without
// reloading the page.
async function go(route) {
  await page.evaluate((r) => (location.hash = r), route);
}
// selectChat picks the /chat namespace in the page's namespace selector.
async function selectChat() {
  const selector = page.locator(".v-select").filter({ hasText: "Select namespace" });
  await selector.locator(".v-select__slot").click();
  await page.locator(".menuable__content__active .v-list-item", { hasText: /^\/chat$/ }).click();
  await selector.filter({ hasText: "/chat" }).waitFor();
}

await mkdir(artifacts, { recursive: true });
const userDataDir = await mkdtemp(path.join(os.tmpdir(), "siogen-admin-chromium-"));
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1280, height: 800 },
});
browser.setDefaultTimeout(T);

try {
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on("pageerror", (e) => out({ event: "log", error: String(e) }));
  page.on("console", (m) => m.type() === "error" && out({ event: "log", console: m.text() }));
  // The page links fonts and icons on CDNs, which the test machine cannot
  // reach: refuse them at once rather than wait for a timeout.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());

  await check("logs in", async () => {
    await page.goto(`${base}/admin-ui/`);
    const dialog = page.locator(".v-dialog--active");
    await dialog.getByLabel("Server URL").fill(base);
    await dialog.getByLabel("Username").fill(user);
    await dialog.getByLabel("Password").fill("wrong");
    await dialog.getByRole("button", { name: "Connect" }).click();
    await dialog.getByText("invalid credentials", { exact: false }).waitFor();
    await dialog.getByLabel("Password").fill(password);
    await dialog.getByRole("button", { name: "Connect" }).click();
    await dialog.waitFor({ state: "hidden" });
    // The dialog closes on "connect"; the session event comes after it.
    await page.waitForFunction(() => /^[0-9a-f]{32}$/.test(localStorage.getItem("session_id") || ""));
  });

  await check("the dashboard shows the server, the clients and the namespaces", async () => {
    await go("#/");
    // Two chat clients and the page itself; namespaces with their sockets.
    const main = page.locator("main");
    await main.getByText("/chat").first().waitFor();
    await page.waitForFunction(() => {
      const text = document.querySelector("main")?.innerText || "";
      return /\/chat\s*2/.test(text) && /\/admin\s*1/.test(text) && /\b3\b/.test(text);
    });
    await shot("admin-dashboard");
    return (await main.innerText()).replace(/\s+/g, " ").slice(0, 400);
  });

  await check("the sockets page lists the chat sockets with their transports", async () => {
    await go("#/sockets/");
    await selectChat();
    for (const [id, transport] of [[wsID, "websocket"], [pollingID, "polling"]]) {
      const row = page.locator("tbody tr", { hasText: id });
      await row.waitFor();
      const text = await row.innerText();
      if (!text.includes("127.0.0.1") || !text.toLowerCase().includes(transport)) throw new Error(`row of ${id}: ${text}`);
    }
    await shot("admin-sockets");
  });

  await check("a socket's page shows its handshake and rooms", async () => {
    await page.locator("tbody tr", { hasText: wsID }).click();
    const main = page.locator("main");
    await main.getByText("Initial HTTP request").waitFor();
    for (const want of ["lobby", "user-agent", "EIO"]) await main.getByText(want, { exact: true }).first().waitFor();
    await shot("admin-socket");
  });

  await check("joining a room from the page", async () => {
    const form = page.locator("form").filter({ has: page.getByLabel("Join a room") });
    await form.getByLabel("Join a room").fill("picked-by-admin");
    await form.locator("button[type=submit]").click();
    // The room appears through the server's room_joined update.
    await page.locator("main tbody tr", { hasText: "picked-by-admin" }).waitFor();
  });

  await check("the rooms page lists the chat rooms", async () => {
    await go("#/rooms/");
    await selectChat();
    for (const room of ["lobby", "go", "picked-by-admin"]) {
      await page.locator("main tbody tr td:first-child", { hasText: new RegExp(`^\\s*${room}\\s*$`) }).first().waitFor();
    }
    await shot("admin-rooms");
  });

  await check("disconnecting a socket from the page", async () => {
    await go("#/sockets/");
    await page.locator("tbody tr", { hasText: pollingID }).locator("button").click();
    // The click also opens the socket's page (the row's own handler);
    // back on the list, the row has gone through the server's
    // socket_disconnected update.
    await go("#/sockets/");
    await page.waitForFunction(
      ([gone, stays]) => {
        const rows = [...document.querySelectorAll("main tbody tr")].map((r) => r.innerText);
        return !rows.some((r) => r.includes(gone)) && rows.some((r) => r.includes(stays));
      },
      [pollingID, wsID],
    );
    await shot("admin-after-disconnect");
  });
  await check("the events page shows the live updates", async () => {
    // A third chat client, the official socket.io-client from Node, joins
    // and speaks while the page watches.
    const carol = io(`${base}/chat`, { auth: { token: "test:carol", nickname: "carol" }, transports: ["websocket"] });
    try {
      await carol.timeout(T).emitWithAck("room:join", { room: "lobby" });
      await carol.timeout(T).emitWithAck("message:send", { room: "lobby", text: "hello, admin" });
      await go("#/events/");
      const main = page.locator("main");
      for (const [type, detail] of [
        ["Connection", carol.id],
        ["Room joined", "picked-by-admin"],
        ["Disconnection", "server namespace disconnect"],
        ["Event received", "message:send"],
        ["Event sent", "message:new"],
      ]) {
        await main.locator("tbody tr", { hasText: type }).filter({ hasText: detail }).first().waitFor();
      }
      await shot("admin-events");
    } finally {
      carol.disconnect();
    }
  });

  await check("the dashboard's bytes chart has data", async () => {
    // Carol's exchange above went through the server: the stats the page
    // has received since count bytes in and out, which the chart draws.
    await go("#/");
    const handle = await page.waitForFunction(() => {
      const root = [...document.querySelectorAll("body *")].find((e) => e.__vue__?.$store);
      const events = root?.__vue__.$store.state.main.aggregatedEvents || [];
      const sum = (type) => events.filter((e) => e.type === type).reduce((n, e) => n + e.count, 0);
      const t = { bytesIn: sum("bytesIn"), bytesOut: sum("bytesOut"), packetsIn: sum("packetsIn"), packetsOut: sum("packetsOut") };
      return t.bytesIn > 0 && t.bytesOut > 0 && t.packetsIn > 0 && t.packetsOut > 0 && t;
    });
    await page.getByText("Bytes received and sent").waitFor();
    await shot("admin-dashboard-bytes");
    return JSON.stringify(await handle.jsonValue());
  });
} finally {
  await browser.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  out({ event: "done", failed });
}
