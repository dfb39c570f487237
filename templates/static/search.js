// The search page: queries the Pagefind bundles that `digest build` writes to pagefind/, one per month
// (pagefind/YYYY-MM/, listed newest first in the form's data-shards), merged with Pagefind's mergeIndex.
// Within a month the site's language has its own index (stemmed), so do Chinese and Japanese (segmented);
// entries in other languages share one index without stemming (see generator/render/search.py).
// Nothing is loaded until the reader starts a search: the page itself stays as light as any other.
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const bundle = form.dataset.bundle;
const shards = form.dataset.shards.split(" ").map((name) => `${bundle}${name}/`);
const FILTERS = ["source", "tag", "language", "kind"];
const selects = Object.fromEntries(FILTERS.map((name) => [name, document.getElementById(`search-${name}`)]));
document.getElementById("search-nojs").hidden = true;
// The page's words in the site's language (gettext in templates/search.html), numbers in its format.
const words = status.dataset;
const lang = document.documentElement.lang;
const number = new Intl.NumberFormat(lang);
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, name) => number.format(values[name]));
// A filter value as shown: kinds in the site's language, languages by their own name.
function label(name, value) {
  if (name === "kind") return words[value] || value;
  if (name === "language") {
    try {
      return new Intl.DisplayNames([value], { type: "language" }).of(value) || value;
    } catch {
      return value;
    }
  }
  return value;
}

// Pagefind picks its primary index (of the newest shard) as it does here; the others are merged in
// (the primary shard's other languages through "./": the same folder, which mergeIndex would
// otherwise skip as the primary's). Pagefind runs without its web worker: the shards share one script.
function primaryLanguage(languages, lang) {
  if (languages[lang]) return lang;
  if (languages[lang.split("-")[0]]) return lang.split("-")[0];
  return Object.keys(languages).sort((a, b) => languages[b].page_count - languages[a].page_count)[0];
}

async function load() {
  const pagefind = await import(`${bundle}pagefind.js`);
  await pagefind.options({ basePath: shards[0], noWorker: true, excerptLength: 24 });
  const entries = await Promise.all(shards.map(async (shard) => (await fetch(`${shard}pagefind-entry.json`)).json()));
  const primary = primaryLanguage(entries[0].languages, lang.toLowerCase());
  await pagefind.init();
  const merged = [];
  shards.forEach((shard, i) => {
    for (const language of Object.keys(entries[i].languages)) {
      if (i > 0) merged.push(pagefind.mergeIndex(shard, { language }));
      else if (language !== primary) merged.push(pagefind.mergeIndex(`${shard}./`, { language }));
    }
  });
  await Promise.all(merged);
  const filters = await pagefind.filters();
  for (const name of FILTERS) {
    for (const value of Object.keys(filters[name] || {}).sort()) selects[name].append(new Option(label(name, value), value));
  }
  document.getElementById("search-filters").hidden = false;
  return pagefind;
}

// Excerpts come from the entries' text: only <mark> is kept as markup, the rest as text.
function excerpt(html) {
  const parsed = document.createElement("template");
  parsed.innerHTML = html;
  const p = document.createElement("p");
  p.className = "excerpt";
  for (const node of parsed.content.childNodes) {
    if (node.nodeName === "MARK") p.append(Object.assign(document.createElement("mark"), { textContent: node.textContent }));
    else p.append(node.textContent);
  }
  return p;
}

function item(data) {
  const li = document.createElement("li");
  const h2 = document.createElement("h2");
  h2.append(Object.assign(document.createElement("a"), { href: data.meta.link || data.url, textContent: data.meta.title, className: "headline" }));
  const meta = document.createElement("p");
  meta.className = "meta";
  for (const part of [data.meta.source, data.meta.date]) if (part) meta.append(Object.assign(document.createElement("span"), { textContent: part }));
  li.append(h2, meta, excerpt(data.excerpt));
  return li;
}

let ready = null;
const start = () => (ready ??= load());
let latest = 0;

async function run() {
  const query = input.value.trim();
  const filters = Object.fromEntries(FILTERS.filter((name) => selects[name].value).map((name) => [name, selects[name].value]));
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  const mine = ++latest;
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const pagefind = await start();
  const found = (await pagefind.search(query || null, { filters })).results;
  const shown = await Promise.all(found.slice(0, 50).map((result) => result.data()));
  if (mine !== latest) return;
  list.replaceChildren(...shown.map(item));
  const n = found.length;
  status.textContent = n === 0 ? words.none : fill(n > shown.length ? words.more : words.count, { count: n, shown: shown.length });
}

const failed = () => {
  status.textContent = words.failed;
};
const search = () => run().catch(failed);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  search();
});
input.addEventListener("focus", () => start().catch(failed), { once: true });
input.addEventListener("input", search);
for (const select of Object.values(selects)) select.addEventListener("change", search);
input.value = new URLSearchParams(location.search).get("q") || "";
if (input.value) search();
