// Previous and next page buttons for the lists the API pages with links.
import { relative } from "./api.js";
import { el } from "./ui.js";

export function pager(links, load) {
  const previous = relative(links.prev);
  const next = relative(links.next);
  return el("nav", { class: "pager", "aria-label": "Pages" },
    el("button", { type: "button", disabled: !previous, onclick: () => load(previous) }, "Previous page"),
    el("button", { type: "button", disabled: !next, onclick: () => load(next) }, "Next page"));
}
