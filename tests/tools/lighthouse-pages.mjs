// Lighthouse (mobile preset, its default) on several pages in one headless
// Chromium, one page after another.
// Usage: node lighthouse-pages.mjs CATEGORY[,CATEGORY...] URL...
// Prints one JSON object: {url: {scores: {category: 0-100}, failing: ["category: audit (score) title"],
// runtimeError, requested: [every URL the browser asked for]}}.
// CHROME_PATH names the browser (Debian's chromium); every host but 127.0.0.1
// fails to resolve, so nothing leaves the machine.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const [categoryList, ...urls] = process.argv.slice(2);
if (!categoryList || urls.length === 0) {
  console.error("usage: node lighthouse-pages.mjs CATEGORY[,CATEGORY...] URL...");
  process.exit(2);
}
const categories = categoryList.split(",");
const chrome = await chromeLauncher.launch({
  chromeFlags: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  ],
});

function failingAudits(lhr) {
  const failing = [];
  for (const [id, category] of Object.entries(lhr.categories)) {
    for (const ref of category.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
        const value = audit.displayValue ? ` ${audit.displayValue}` : "";
        failing.push(`${id}: ${ref.id} (${audit.score}) ${audit.title}${value}`);
      }
    }
  }
  return failing;
}

// Every request the page made, from the DevTools log Lighthouse recorded.
function requested(artifacts) {
  const log = artifacts.DevtoolsLog ?? artifacts.devtoolsLogs?.defaultPass ?? [];
  return [...new Set(log.filter((e) => e.method === "Network.requestWillBeSent").map((e) => e.params.request.url))];
}

const report = {};
try {
  for (const url of urls) {
    const flags = { port: chrome.port, output: "json", logLevel: "error", onlyCategories: categories };
    const { lhr, artifacts } = await lighthouse(url, flags);
    const scores = Object.fromEntries(
      Object.entries(lhr.categories).map(([id, c]) => [id, c.score === null ? null : Math.round(c.score * 100)]),
    );
    const runtimeError = lhr.runtimeError ? `${lhr.runtimeError.code}: ${lhr.runtimeError.message}` : null;
    report[url] = { scores, failing: failingAudits(lhr), runtimeError, requested: requested(artifacts) };
  }
} finally {
  await chrome.kill();
}
console.log(JSON.stringify(report));
