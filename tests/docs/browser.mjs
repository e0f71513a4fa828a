// The built docs book and the OpenAPI exports as a reader's browser shows them: headless
// Chromium (Debian's, driven by playwright-core) with every request outside 127.0.0.1 refused,
// so that nothing works only online. Run by tests/docs/browser.sh, which installs the tools.
//
// Usage: node browser.mjs --book DIR --exports DIR --redoc FILE --shots DIR
//
// Redoc (the npm package's standalone bundle, served locally) opens each exported document;
// fails on a console error or a failed request, or an operation of the document (every
// `operationId` under `paths`) that Redoc does not render. Every page of the book is opened
// at 1280 px and at 390 px (a phone) and fails on a console error, a request that needed the
// network, a mermaid block that did not become an SVG, a table wider than the content column
// at either width (at 390 px also one that scrolls inside itself: a reader sees part of it),
// a page wider than the phone, or a sidebar entry whose name is cut.
// Screenshots of every page (1280 px and 390 px, a page's first diagram) go to the `--shots`
// folder; the measures to `summary.json` there.
import { chromium } from "playwright-core";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : true]);
    return pairs;
  }, []),
);
for (const required of ["book", "exports", "redoc", "shots"]) {
  if (!args[required]) throw new Error(`browser.mjs: --${required} is required`);
}
fs.mkdirSync(args.shots, { recursive: true });

const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf" };

// One static server: /book/… the built book, /exports/… the documents, /redoc/… Redoc.
function serve() {
  const roots = { book: args.book, exports: args.exports };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, "http://127.0.0.1");
    const [, top, ...rest] = decodeURIComponent(url.pathname).split("/");
    let file;
    if (top === "redoc.standalone.js") file = args.redoc;
    else if (top === "redoc") {
      const name = rest.join("/").replace(/\.html$/, "");
      response.writeHead(200, { "content-type": "text/html" });
      response.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${name}</title></head><body>
<div id="redoc"></div><script src="/redoc.standalone.js"></script>
<script>Redoc.init("/exports/${name}.json", {}, document.getElementById("redoc"))</script></body></html>`);
      return;
    } else if (roots[top]) {
      file = path.join(roots[top], ...rest.filter((s) => s !== ".."));
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    }
    if (top === "book" && (!file || !fs.existsSync(file))) {
      // As static hosts do (GitHub Pages, Netlify): a missing page gets the book's 404.html.
      response.writeHead(404, { "content-type": "text/html" });
      fs.createReadStream(path.join(args.book, "404.html")).pipe(response);
      return;
    }
    if (!file || !fs.existsSync(file)) {
      response.writeHead(404);
      response.end("not found");
      return;
    }
    response.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

// A page with the network off: every request not to our server is aborted and recorded.
async function open(url, width, height = 900) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = { console: [], offline: [], failed: [] };
  page.on("console", (message) => { if (message.type() === "error") problems.console.push(message.text()); });
  page.on("pageerror", (error) => problems.console.push(String(error)));
  await page.route("**/*", (route) => {
    const target = new URL(route.request().url());
    if (target.host === new URL(base).host) return route.continue();
    // Redoc's sidebar credit ("API docs by Redocly") loads its logo from Redocly's CDN in every
    // build of the bundle; it is decoration, answered here with an empty SVG rather than
    // counted against the document.
    if (route.request().url() === "https://cdn.redoc.ly/redoc/logo-mini.svg") {
      return route.fulfill({ status: 200, contentType: "image/svg+xml", body: "<svg xmlns='http://www.w3.org/2000/svg'/>" });
    }
    problems.offline.push(route.request().url());
    return route.abort("internetdisconnected");
  });
  page.on("requestfailed", (request) => {
    if (new URL(request.url()).host === new URL(base).host) problems.failed.push(request.url());
  });
  await page.goto(url, { waitUntil: "load", timeout: 60000 });
  return { page, context, problems };
}

const summary = { redoc: {}, book: {} };
let failures = 0;
const fail = (message) => { failures += 1; console.error(`browser: FAIL ${message}`); };

// 1. Redoc, one page per export.
for (const file of fs.readdirSync(args.exports).filter((f) => f.endsWith(".json")).sort()) {
  const name = file.replace(/\.json$/, "");
  const document = JSON.parse(fs.readFileSync(path.join(args.exports, file), "utf8"));
  const expected = [];
  for (const item of Object.values(document.paths || {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!method.startsWith("x-") && operation.operationId) expected.push(operation.operationId);
    }
  }
  const { page, context, problems } = await open(`${base}/redoc/${name}.html`, 1280);
  await page.waitForSelector("[data-section-id^='operation/']", { timeout: 60000 }).catch(() => {});
  const rendered = await page.$$eval("[data-section-id^='operation/']", (nodes) =>
    nodes.map((node) => node.getAttribute("data-section-id").replace(/^operation\//, "")));
  const missing = expected.filter((id) => !rendered.includes(id));
  const webhooks = await page.$$eval("[data-section-id*='webhook']", (nodes) => nodes.length);
  await page.screenshot({ path: path.join(args.shots, `redoc-${name}.png`) });
  summary.redoc[name] = { operations: expected.length, rendered: rendered.length, missing, webhook_sections: webhooks, ...problems };
  if (missing.length) fail(`redoc ${name}: operations not rendered: ${missing.join(", ")}`);
  if (problems.console.length) fail(`redoc ${name}: console errors: ${problems.console.join(" | ")}`);
  if (problems.offline.length) fail(`redoc ${name}: requests needing the network: ${problems.offline.join(" ")}`);
  if (problems.failed.length) fail(`redoc ${name}: failed requests: ${problems.failed.join(" ")}`);
  console.log(`browser: redoc ${name}: ${rendered.length}/${expected.length} operations rendered, ${webhooks} webhook sections`);
  await context.close();
}

// 2. The book, every page.
// Every chapter: the book's root pages and each integration's folder of chapters.
const pages = fs.readdirSync(args.book, { recursive: true })
  .filter((f) => f.endsWith(".html") && f !== "print.html" && f !== "404.html" && !f.startsWith("FontAwesome") && !f.startsWith("fonts"))
  .sort();
let bookProblems = 0;
for (const file of pages) {
  const name = file.replace(/\.html$/, "").replaceAll("/", "-");
  const { page, context, problems } = await open(`${base}/book/${file}`, 1280);
  await page.waitForTimeout(500);
  const measured = await page.evaluate(() => {
    const column = document.querySelector("main") || document.querySelector(".content");
    const width = column ? column.getBoundingClientRect().width : window.innerWidth;
    const tables = [...document.querySelectorAll("main table")].map((table) => table.scrollWidth);
    // mdBook writes a ```mermaid block as code.language-mermaid; mermaid-init.js turns it
    // into pre.mermaid, which mermaid fills with an SVG.
    const mermaid = [...document.querySelectorAll("main code.language-mermaid, main pre.mermaid")];
    return {
      column_px: Math.round(width),
      tables: tables.length,
      wide_tables: tables.filter((w) => w > width + 1).length,
      widest_table_px: Math.max(0, ...tables),
      mermaid_blocks: mermaid.length,
      mermaid_without_svg: mermaid.filter((block) => !block.querySelector("svg")).length,
      page_height_px: document.documentElement.scrollHeight,
      // Sidebar entries whose text is cut (wider than the entry, or than the sidebar).
      sidebar_cut: [...document.querySelectorAll("#sidebar a, .sidebar a")]
        .filter((a) => a.offsetParent !== null && a.scrollWidth > a.clientWidth + 1)
        .map((a) => a.textContent.trim()),
    };
  });
  await page.screenshot({ path: path.join(args.shots, `book-${name}-1280.png`) });
  const diagram = await page.$("main pre.mermaid, main code.language-mermaid");
  if (diagram) await diagram.screenshot({ path: path.join(args.shots, `book-${name}-mermaid.png`) });
  const wide = await page.$$("main table");
  for (const table of wide) {
    if (await table.evaluate((t) => t.scrollWidth > (document.querySelector("main")?.getBoundingClientRect().width ?? 0) + 1)) {
      await table.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(args.shots, `book-${name}-wide-table.png`) });
      break;
    }
  }
  // A phone loads the page at its own width (mdBook then starts with the sidebar closed).
  const phone = await open(`${base}/book/${file}`, 390, 844);
  await phone.page.waitForTimeout(300);
  // A table wider than the column at 390 px (one that scrolls inside itself counts: a
  // reader sees only part of it), and a page wider than the screen.
  Object.assign(measured, await phone.page.evaluate(() => {
    const column = document.querySelector("main");
    const width = column ? column.getBoundingClientRect().width : window.innerWidth;
    const tables = [...document.querySelectorAll("main table")];
    return {
      column_px_390: Math.round(width),
      wide_tables_390: tables.filter((t) => t.scrollWidth > width + 1 || t.getBoundingClientRect().width > width + 1).length,
      page_wider_than_390: document.documentElement.scrollWidth > window.innerWidth + 1,
    };
  }));
  const wideOnPhone = await phone.page.$$("main table");
  for (const table of wideOnPhone) {
    if (await table.evaluate((t) => t.scrollWidth > (document.querySelector("main")?.getBoundingClientRect().width ?? 0) + 1)) {
      await table.scrollIntoViewIfNeeded();
      await phone.page.screenshot({ path: path.join(args.shots, `book-${name}-390-wide-table.png`) });
      break;
    }
  }
  await phone.page.screenshot({ path: path.join(args.shots, `book-${name}-390.png`) });
  await phone.context.close();
  const consoleErrors = [...problems.console, ...phone.problems.console];
  const offline = [...problems.offline, ...phone.problems.offline];
  const failed = [...problems.failed, ...phone.problems.failed];
  summary.book[name] = { ...measured, console: consoleErrors, offline, failed };
  const count = measured.wide_tables + measured.wide_tables_390 + (measured.page_wider_than_390 ? 1 : 0)
    + measured.sidebar_cut.length + measured.mermaid_without_svg + consoleErrors.length + offline.length + failed.length;
  bookProblems += count;
  console.log(`browser: book ${file}: ${measured.tables} tables (${measured.wide_tables} wider than the ${measured.column_px} px column at 1280 px, ${measured.wide_tables_390} wider than the ${measured.column_px_390} px column at 390 px${measured.page_wider_than_390 ? ", page wider than the phone" : ""}), ${measured.sidebar_cut.length} cut sidebar entries, ${measured.mermaid_blocks} mermaid blocks (${measured.mermaid_without_svg} not SVG), ${consoleErrors.length} console errors, ${offline.length} requests needing the network, ${measured.page_height_px} px tall`);
  await context.close();
}
if (bookProblems) fail(`book: ${bookProblems} problem(s), see ${args.shots}/summary.json`);

// 3. A mistyped URL two folders deep: the 404 page must load its styles and scripts (from
// book.toml's `site-url`, /book/ here) and link chapters that exist.
{
  const { page, context, problems } = await open(`${base}/book/no/such/page.html`, 1280);
  await page.waitForTimeout(300);
  const found = await page.evaluate(async () => {
    const styled = [...document.styleSheets].some((sheet) => { try { return sheet.cssRules.length > 0; } catch { return false; } });
    const links = [...document.querySelectorAll(".sidebar a[href$='.html']")].map((a) => a.href);
    const statuses = await Promise.all(links.slice(0, 5).map((href) => fetch(href).then((r) => r.status)));
    // The page's own 404 is the point; any of its resources answering 4xx/5xx is not.
    const missing = performance.getEntriesByType("resource").filter((e) => e.responseStatus >= 400).map((e) => e.name);
    return { styled, links: links.length, statuses, missing };
  });
  problems.console = problems.console.filter((m) => !m.startsWith("Failed to load resource: the server responded with a status of 404"));
  await page.screenshot({ path: path.join(args.shots, "book-404-1280.png") });
  summary.not_found = { ...found, ...problems };
  const broken = found.statuses.filter((status) => status !== 200).length;
  if (!found.styled || !found.links || broken || found.missing.length || problems.failed.length || problems.console.length) {
    fail(`404 page under /book/: styled ${found.styled}, ${found.links} chapter links (${broken} broken), missing resources ${found.missing.join(" ")}, failed requests ${problems.failed.join(" ")}, console ${problems.console.join(" | ")}`);
  }
  console.log(`browser: 404 page: styled ${found.styled}, ${found.links} chapter links, ${broken} broken, ${problems.failed.length} failed requests`);
  await context.close();
}

fs.writeFileSync(path.join(args.shots, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
await browser.close();
server.close();
console.log(`browser: screenshots and summary.json in ${args.shots}`);
process.exit(failures ? 1 : 0);
