// Previous and next page buttons for the lists the API pages with cursor links, and where the page is ("Page 2 · 21–40").
import { relative } from "./api.js";
import { el } from "./ui.js";

/**
 * The API's cursors say where a page starts, not its number, so the console counts pages itself: the number goes in
 * the hash beside the cursor (page=2) and never to the API. A link without one is the first page.
 */
export const pageParameter = "page";

export function pageNumber(params) {
  const number = Number.parseInt(params.get(pageParameter) ?? "1", 10);
  return Number.isSafeInteger(number) && number > 0 ? number : 1;
}

/** Rows a page of a paged list holds. */
const pageSize = 20;

/** The API's query for a list's parameters: the page size, and everything but the console's page number. */
export function pageQuery(params) {
  return new URLSearchParams([["limit", `${pageSize}`], ...[...params].filter(([name]) => name !== pageParameter)]);
}

export function pager(links, load, { number, count }) {
  const at = (link, to) => (link && to > 1 ? `${link}&${pageParameter}=${to}` : link);
  const previous = at(relative(links.prev), number - 1);
  const next = at(relative(links.next), number + 1);
  const first = (number - 1) * pageSize + 1;
  return el("nav", { class: "pager", "aria-label": "Pages" },
    el("button", { type: "button", disabled: !previous, onclick: () => load(previous) }, "Previous page"),
    el("span", { class: "position" }, count > 0 ? `Page ${number} · ${first}–${first + count - 1}` : `Page ${number}`),
    el("button", { type: "button", disabled: !next, onclick: () => load(next) }, "Next page"));
}
