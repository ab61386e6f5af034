// Opens a generated reference page in headless Chromium (playwright-core)
// at desktop and phone widths, checks what a reader needs, and saves
// screenshots. Run by browser_test.go, which reads the JSON lines printed:
//
//	node browse.mjs <page.html> <artifacts dir>
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [file, artifacts] = process.argv.slice(2);
const url = pathToFileURL(path.resolve(file)).href;
const executablePath = process.env.SIOGEN_CHROMIUM || "/usr/bin/chromium";
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const check = (name, ok, detail) => out({ event: "check", name, ok: !!ok, detail });
await mkdir(artifacts, { recursive: true });

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  for (const view of [
    { name: "desktop", viewport: { width: 1280, height: 900 } },
    { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  ]) {
    const ctx = await browser.newContext({ viewport: view.viewport, isMobile: view.isMobile, hasTouch: view.hasTouch, deviceScaleFactor: view.deviceScaleFactor ?? 1 });
    const page = await ctx.newPage();
    const external = [];
    page.on("request", (r) => { if (!r.url().startsWith("file:")) external.push(r.url()); });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url);
    const v = view.name;
    const shot = async (name, opts = {}) => {
      const p = path.join(artifacts, `${v}-${name}.png`);
      if (opts.element) await page.locator(opts.element).screenshot({ path: p });
      else await page.screenshot({ path: p, fullPage: !!opts.fullPage });
      out({ event: "screenshot", path: p });
    };

    check(`${v}: the title names the contract`, (await page.title()).includes("Chat API"), await page.title());
    await shot("top");

    const send = page.locator("#ev-chat-message-send");
    const sendText = await send.innerText();
    check(`${v}: message:send shows its payload table with constraints`,
      ["room", "text", "1 … 4000 chars", "client_id", "optional", "≤ 5242880 bytes"].every((s) => sendText.includes(s)), sendText.slice(0, 400));
    check(`${v}: message:send lists its errors with codes`,
      ["RoomNotFound", "not_found", "NotAMember", "permission_denied", "resource_exhausted"].every((s) => sendText.includes(s)));
    const example = JSON.parse(await send.locator(".part").first().locator("pre").innerText());
    check(`${v}: message:send has an example payload`, example.room && example.text, example);
    check(`${v}: events are grouped by direction`,
      (await page.locator("#ns-chat h3.group").allInnerTexts()).map((s) => s.toLowerCase()).join("|") === "client → server|server → client|both directions",
      await page.locator("#ns-chat h3.group").allInnerTexts());
    const auth = await page.locator("#ns-chat .card.auth").innerText();
    check(`${v}: the auth shows its fields`, auth.includes("token") && auth.includes("nickname") && auth.includes("CONNECT"), auth.slice(0, 300));
    check(`${v}: deprecations are marked`,
      (await page.locator("#ev-chat-ping-legacy.is-dep .badge.dep").count()) === 1 &&
      (await page.locator("#type-chat-Message tr.is-dep").count()) === 1);
    const errorCard = await page.locator("#error-chat-RoomNotFound").innerText();
    check(`${v}: errors show code and details`, errorCard.includes("not_found") && errorCard.includes("room"), errorCard);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(`${v}: nothing overflows the width`, overflow <= 0, { overflow });

    await send.scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById("ev-chat-message-send").scrollIntoView());
    await shot("event");

    // A link between types: the type of message:new's payload.
    await page.locator("#ev-chat-message-new .shape-type a", { hasText: "Message" }).first().click();
    const hash = await page.evaluate(() => location.hash);
    const inView = await page.evaluate(() => {
      const r = document.getElementById("type-chat-Message").getBoundingClientRect();
      return r.top >= 0 && r.top < window.innerHeight;
    });
    check(`${v}: type links lead to the type`, hash === "#type-chat-Message" && inView, { hash, inView });
    await shot("type");

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.fill("#search", "poll");
    const visible = await page.evaluate(() =>
      Array.from(document.querySelectorAll("article.event")).filter((a) => !a.hidden).map((a) => a.id));
    check(`${v}: search filters the events`, visible.length === 1 && visible[0] === "ev-chat-poll", visible);
    await shot("search");
    await page.fill("#search", "zzzz-nothing");
    check(`${v}: search says when nothing matches`, await page.locator("#nomatch").isVisible());
    await page.fill("#search", "");
    check(`${v}: clearing the search shows everything`,
      (await page.evaluate(() => document.querySelectorAll("article.event[hidden]").length)) === 0);

    check(`${v}: the page loads nothing from the network`, external.length === 0, external);
    check(`${v}: no script errors`, errors.length === 0, errors);
    await ctx.close();
  }
} finally {
  await browser.close();
}
out({ event: "done" });
