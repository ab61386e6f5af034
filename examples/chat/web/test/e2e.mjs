// End-to-end test of the chat page in real headless Chromium, driven by
// playwright-core. Run by browser_test.go, which starts the Go server and a
// control server, and reads the JSON lines this script prints:
//
//	node e2e.mjs <chat url> <control url> <png path> <artifacts dir>
//
// Control endpoints (POST): /drop closes the websocket connections and
// holds new handshakes until /unblock; /restart stops the chat server and
// starts a fresh one on the same port; /inject broadcasts to the lobby a
// message:new that breaks the contract.
import { chromium } from "playwright-core";
import { createHash } from "node:crypto";
import { mkdtemp, mkdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const [base, control, pngPath, artifacts] = process.argv.slice(2);
const executablePath = process.env.SIOGEN_CHROMIUM || "/usr/bin/chromium";
const T = 15_000; // per-step timeout: generous, the machine is shared

const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
let failed = 0;
const pages = {}; // name -> page, for the state dumped on failure
async function pageState() {
  const state = {};
  for (const [name, page] of Object.entries(pages)) {
    state[name] = await page
      .evaluate(() => ({
        status: document.body.dataset.status,
        recovered: document.body.dataset.recovered,
        joinError: document.getElementById("join-error")?.textContent,
        notices: [...document.querySelectorAll("#messages .notice")].map((n) => n.textContent).slice(-6),
      }))
      .catch((e) => String(e));
  }
  return state;
}
async function check(name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    out({ event: "check", name, ok: true, ms: Date.now() - start, ...(detail ? { detail } : {}) });
  } catch (e) {
    failed++;
    out({ event: "check", name, ok: false, ms: Date.now() - start, detail: String(e?.stack || e), pages: await pageState() });
  }
}
async function ctl(what) {
  const res = await fetch(`${control}/${what}`, { method: "POST" });
  if (!res.ok) throw new Error(`control ${what}: ${res.status} ${await res.text()}`);
}

const userDataDir = await mkdtemp(path.join(os.tmpdir(), "siogen-chat-chromium-"));
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1000, height: 680 },
});
browser.setDefaultTimeout(T);
let phoneBrowser; // launched by the phone check

try {
  const alice = browser.pages()[0] ?? (await browser.newPage());
  const bob = await browser.newPage();
  Object.assign(pages, { alice, bob });
  // What alice's page sends over its websocket, frame by frame.
  const aliceSent = [];
  alice.on("websocket", (ws) => ws.on("framesent", (f) => aliceSent.push(String(f.payload))));
  for (const [name, page] of [["alice", alice], ["bob", bob]]) {
    page.on("pageerror", (e) => out({ event: "log", page: name, error: String(e) }));
    page.on("console", (m) => m.type() === "error" && out({ event: "log", page: name, console: m.text() }));
  }

  // Clicks wait for the element to be stable across animation frames, which
  // background tabs do not paint: bring the page to the front first.
  const click = async (page, selector) => {
    await page.bringToFront();
    await page.click(selector);
  };
  const joinAs = async (page, nick, transport) => {
    await page.goto(`${base}/?transport=${transport}`);
    await page.fill("#nickname", nick);
    await page.fill("#join-room", "lobby");
    await click(page, "#join-form button[type=submit]");
    await page.waitForSelector("#chat:not([hidden])");
    await page.waitForSelector(`body[data-status="connected"]`);
  };
  const say = async (page, text) => {
    await page.fill("#text", text);
    await page.press("#text", "Enter");
  };
  const message = (page, text) => page.locator("#messages .msg .text", { hasText: text });
  const errorNotice = (page, text) => page.locator("#messages .notice.error", { hasText: text });
  const lastNotice = (page) => page.locator("#messages .notice").last();

  await check("both pages join the lobby, one over websocket and one over polling", async () => {
    await joinAs(alice, "alice", "websocket");
    await joinAs(bob, "bob", "polling");
    const ta = await alice.getAttribute("body", "data-transport");
    const tb = await bob.getAttribute("body", "data-transport");
    if (ta !== "websocket" || tb !== "polling") throw new Error(`transports: alice ${ta}, bob ${tb}`);
    return { alice: ta, bob: tb };
  });

  await check("each sees who is online", async () => {
    await alice.locator('#members li[data-user="bob"]').waitFor();
    await bob.locator('#members li[data-user="alice"]').waitFor();
  });

  await check("messages go both ways", async () => {
    await say(alice, "hello bob, this is alice on a websocket");
    await message(bob, "hello bob, this is alice on a websocket").waitFor();
    await say(bob, "hi alice! bob here, long-polling");
    await message(alice, "hi alice! bob here, long-polling").waitFor();
  });

  await check("the Go bot (generated Go client) answers a page", async () => {
    await say(alice, "!ping");
    await message(alice, "pong, alice").waitFor();
    await message(bob, "pong, alice").waitFor();
  });

  await check("typing is shown to the other page", async () => {
    await alice.fill("#text", "");
    await alice.type("#text", "typing something", { delay: 10 });
    await bob.locator("#typing", { hasText: "alice is typing" }).waitFor();
    await alice.fill("#text", "");
    await alice.dispatchEvent("#text", "input");
    await bob.locator("#typing:empty").waitFor();
  });

  await check("an image arrives intact", async () => {
    const png = await readFile(pngPath);
    const want = createHash("sha256").update(png).digest("hex");
    await alice.setInputFiles("#image", pngPath);
    await alice.fill("#text", "a picture for you");
    await click(alice, "#send");
    const img = bob.locator(".msg", { hasText: "a picture for you" }).locator("img");
    await img.waitFor();
    const got = await img.evaluate(async (el) => {
      await el.decode();
      const buf = await (await fetch(el.src)).arrayBuffer();
      const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
      return { sha: Array.from(sum, (b) => b.toString(16).padStart(2, "0")).join(""), w: el.naturalWidth, h: el.naturalHeight, bytes: buf.byteLength };
    });
    if (got.sha !== want) throw new Error(`image differs: ${JSON.stringify(got)} want sha ${want} (${png.length} bytes)`);
    if (!(got.w > 0 && got.h > 0)) throw new Error(`image did not render: ${JSON.stringify(got)}`);
    await alice.locator(".msg.mine", { hasText: "a picture for you" }).locator("img").waitFor();
    await mkdir(artifacts, { recursive: true });
    await bob.bringToFront();
    await bob.screenshot({ path: path.join(artifacts, "chat-image.png") });
    out({ event: "screenshot", path: path.join(artifacts, "chat-image.png") });
    return got;
  });

  await check("an invalid message is refused before it is sent", async () => {
    const long = "x".repeat(4001);
    await alice.fill("#text", long);
    await click(alice, "#send");
    await errorNotice(alice, "Your message is too long: 4,001 characters, the limit is 4,000.").waitFor();
    if ((await alice.inputValue("#text")).length !== 4001) throw new Error("the composer lost the text");
    await alice.fill("#text", "");
    // The client checked it against the contract: it never left the page,
    // while the valid messages before it did.
    const sends = aliceSent.filter((f) => f.includes('"message:send"'));
    if (sends.length === 0) throw new Error("no message:send frame seen at all: the capture is broken");
    if (aliceSent.some((f) => f.includes(long))) throw new Error("the invalid message was sent");
    return { sendFrames: sends.length };
  });

  await check("a server message that breaks the contract is dropped, with a typed error", async () => {
    await ctl("inject");
    for (const page of [alice, bob]) {
      const n = page.locator('#messages .notice[data-kind="contract"][data-event="message:new"]').last();
      await n.waitFor();
      const paths = (await n.getAttribute("data-paths")).split(" ");
      for (const want of ["/id", "/sent_at", "/author/id", "/color"]) {
        if (!paths.includes(want)) throw new Error(`violations at ${paths}, want ${want}`);
      }
    }
    if ((await message(alice, "forged by the test hook").count()) + (await message(bob, "forged by the test hook").count()) !== 0) {
      throw new Error("the forged message was shown");
    }
    await say(alice, "still chatting after the forgery");
    await message(bob, "still chatting after the forgery").waitFor();
    return { notice: await errorNotice(alice, "breaks the contract").last().textContent() };
  });

  await check("an unknown room shows RoomNotFound", async () => {
    await alice.fill("#other-room-name", "nowhere");
    await click(alice, "#other-room button");
    await errorNotice(alice, "There is no room called “nowhere”").waitFor();
  });

  await check("a dropped connection recovers the messages it missed", async () => {
    await ctl("drop"); // closes alice's websocket; her reconnection waits
    await alice.locator('body[data-status="reconnecting"]').waitFor();
    // The server has seen her go once bob's page shows her gone.
    await bob.locator('#members li[data-user="alice"]').waitFor({ state: "detached" });
    await say(bob, "alice, you missed this while you were away");
    await bob.locator(".msg.mine", { hasText: "you missed this" }).waitFor();
    await ctl("unblock");
    await alice.locator('body[data-status="connected"][data-recovered="true"]').waitFor();
    await message(alice, "alice, you missed this while you were away").waitFor();
    await lastNotice(alice).filter({ hasText: "up to date" }).waitFor();
    await bob.locator('#members li[data-user="alice"]').waitFor();
  });

  await check("the server restarts mid-conversation and both pages carry on", async () => {
    const reconnected = (page) => page.locator("#messages .notice", { hasText: /^Reconnected\.$/ });
    const before = [await reconnected(alice).count(), await reconnected(bob).count()];
    await ctl("restart");
    for (const [i, page] of [alice, bob].entries()) {
      await reconnected(page).nth(before[i]).waitFor(); // a new session, the room joined again
      await page.locator(`body[data-status="connected"][data-recovered="false"]`).waitFor();
    }
    // What was on screen is still there, and the conversation goes on.
    await message(bob, "hello bob, this is alice on a websocket").waitFor();
    await say(alice, "still there after the restart?");
    await message(bob, "still there after the restart?").waitFor();
    await say(bob, "yes, loud and clear");
    await message(alice, "yes, loud and clear").waitFor();
    const ta = await alice.getAttribute("body", "data-transport");
    const tb = await bob.getAttribute("body", "data-transport");
    if (ta !== "websocket" || tb !== "polling") throw new Error(`transports after restart: alice ${ta}, bob ${tb}`);
  });

  await check("sending too fast shows resource_exhausted", async () => {
    // The contract's limit, at most 5 messages in 2 s per socket: eight
    // sends in one tick of the page, so that however slow the machine the
    // runtime refuses some with resource_exhausted (how many depends on
    // what bob sent just before), worded by errors.ts.
    await bob.evaluate(() => {
      const text = document.querySelector("#text");
      const form = document.querySelector("#composer");
      for (let i = 1; i <= 8; i++) {
        text.value = `flood ${i}`;
        form.requestSubmit();
      }
    });
    await errorNotice(bob, "You are going too fast. Wait").first().waitFor();
    const sent = bob.locator(".msg.mine .text", { hasText: /^flood \d$/ });
    // Every send answered: a message shown, or a refusal.
    await bob.waitForFunction(() => {
      const shown = [...document.querySelectorAll("#messages .msg.mine .text")].filter((e) => /^flood \d$/.test(e.textContent));
      const refused = [...document.querySelectorAll("#messages .notice.error")].filter((e) => e.textContent.includes("You are going too fast"));
      return shown.length + refused.length >= 8;
    });
    const accepted = await sent.allTextContents();
    if (accepted.length === 0 || accepted.length > 5) throw new Error(`accepted: ${accepted}`);
    for (const text of accepted) await message(alice, text).waitFor();
    const seen = await alice.locator(".msg .text", { hasText: /^flood \d$/ }).allTextContents();
    if (seen.join() !== accepted.join()) throw new Error(`alice saw ${seen}, bob had accepted ${accepted}`);
    return { accepted: accepted.length };
  });

  await check("screenshot", async () => {
    await mkdir(artifacts, { recursive: true });
    await alice.fill("#text", "");
    await bob.fill("#text", "");
    await bob.type("#text", "I'll send the", { delay: 5 });
    await alice.locator("#typing", { hasText: "bob is typing" }).waitFor();
    const file = path.join(artifacts, "chat-alice.png");
    await alice.bringToFront();
    await alice.screenshot({ path: file });
    const file2 = path.join(artifacts, "chat-bob.png");
    await bob.bringToFront();
    await bob.screenshot({ path: file2 });
    out({ event: "screenshot", path: file });
    out({ event: "screenshot", path: file2 });
  });
  await check("on a phone (390 px): a one-line header, rooms and people in a drawer, readable images", async () => {
    // A separate phone-sized context: a touch screen at device scale 2.
    phoneBrowser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic"] });
    const phoneCtx = await phoneBrowser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    phoneCtx.setDefaultTimeout(T);
    const carol = await phoneCtx.newPage();
    pages.carol = carol;
    carol.on("pageerror", (e) => out({ event: "log", page: "carol", error: String(e) }));
    await joinAs(carol, "carol", "websocket");
    await carol.locator("#room-title", { hasText: "Lobby" }).waitFor();

    const header = await carol.evaluate(() => {
      const top = document.querySelector("header.top");
      const items = [...top.children].filter((el) => el.getClientRects().length > 0).map((el) => el.getBoundingClientRect());
      return {
        height: top.getBoundingClientRect().height,
        overflow: top.scrollWidth - top.clientWidth,
        pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
        tallest: Math.max(...items.map((r) => r.height)),
        rows: new Set(items.map((r) => Math.round(r.top + r.height / 2))).size,
      };
    });
    // One line: every item centred on one row, none wrapped (a wrapped
    // title or status is two lines tall), nothing wider than the screen.
    if (header.overflow > 0 || header.pageOverflow > 0 || header.tallest > 36 || header.height > 56)
      throw new Error(`header: ${JSON.stringify(header)}`);

    // Rooms and people are in a drawer behind the menu button.
    const sidebar = carol.locator("#sidebar");
    if (await sidebar.isVisible()) throw new Error("the sidebar shows before the menu is opened");
    await carol.click("#menu");
    await carol.locator('#members li[data-user="alice"]').waitFor({ state: "visible" });
    // The drawer slides in.
    await carol.waitForFunction(() => document.getElementById("sidebar").getBoundingClientRect().left >= 0);
    const box = await sidebar.boundingBox();
    if (!box || box.x < 0 || box.x + box.width > 390) throw new Error(`drawer box: ${JSON.stringify(box)}`);
    await mkdir(artifacts, { recursive: true });
    const menuShot = path.join(artifacts, "chat-phone-menu.png");
    await carol.screenshot({ path: menuShot });
    out({ event: "screenshot", path: menuShot });
    await carol.locator("#room-list button", { hasText: "random" }).click();
    await carol.locator("#room-title", { hasText: "Random" }).waitFor();
    await sidebar.waitFor({ state: "hidden" });
    await carol.click("#menu");
    await carol.locator("#room-list button", { hasText: "lobby" }).click();
    await carol.locator("#room-title", { hasText: "Lobby" }).waitFor();
    await sidebar.waitFor({ state: "hidden" });

    // The small test picture (96 px wide) is shown at a readable size that
    // fits the screen.
    await alice.setInputFiles("#image", pngPath);
    await alice.fill("#text", "a picture for the phone");
    await click(alice, "#send");
    const img = carol.locator(".msg", { hasText: "a picture for the phone" }).locator("img");
    await img.waitFor();
    await img.evaluate((el) => el.decode());
    const size = await img.evaluate((el) => ({ w: el.getBoundingClientRect().width, h: el.getBoundingClientRect().height, natural: el.naturalWidth }));
    if (size.w < 200 || size.w > 390) throw new Error(`image shown ${JSON.stringify(size)}`);
    await carol.fill("#text", "looks good on a phone");
    const shot = path.join(artifacts, "chat-phone.png");
    await carol.screenshot({ path: shot });
    out({ event: "screenshot", path: shot });
    return { header, drawer: box, image: size };
  });
} finally {
  await phoneBrowser?.close().catch(() => {});
  await browser.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  out({ event: "done", failed });
}
