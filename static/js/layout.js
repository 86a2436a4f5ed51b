// Layout behaviours for every page: the collapsing top bar, table cells labelled for the
// stacked-card view on phones, focus kept in place after an htmx swap, and copy buttons.
// Loaded in <head> without defer (it only marks <html> and registers listeners), so the
// collapsed top bar never flashes open on a phone. Everything works without this file:
// the top bar then wraps, and the stacked cards show their values without column names.
document.documentElement.classList.add("js");

(() => {
  // --- the top bar: on narrow screens the menu opens and closes with its button -------------
  function setMenu(open) {
    const bar = document.getElementById("topbar");
    const toggle = bar && bar.querySelector(".menu-toggle");
    if (!toggle) return;
    bar.classList.toggle("menu-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest(".menu-toggle");
    if (toggle) {
      setMenu(toggle.getAttribute("aria-expanded") !== "true");
    } else if (event.target.closest(".topbar-menu a")) {
      setMenu(false); // a boosted navigation keeps the page: close the menu behind it
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.querySelector(".topbar.menu-open")) {
      setMenu(false);
      document.querySelector(".menu-toggle")?.focus();
    }
  });

  // --- tables: each cell carries its column's name for the stacked-card view ----------------
  function labelTable(table) {
    const heads = table.tHead ? table.tHead.rows[0] : null;
    if (!heads) return;
    const names = [];
    for (const th of heads.cells) {
      const name = th.textContent.replace(/\s+/g, " ").trim();
      for (let i = 0; i < (th.colSpan || 1); i += 1) names.push(name);
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          const name = names[column];
          if (name && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", name);
          column += cell.colSpan || 1;
        }
      }
    }
  }

  function labelTables(root) {
    if (!root || !root.querySelectorAll) return;
    const table = root.closest ? root.closest("table.table") : null;
    if (table) labelTable(table);
    root.querySelectorAll("table.table").forEach(labelTable);
  }

  // --- tabs: the selected tab is scrolled into its strip (phones show a few at a time) -----
  function showSelectedTabs(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll(".tabs").forEach((strip) => {
      const tab = strip.querySelector('[aria-selected="true"], [aria-current="page"]');
      if (!tab || strip.scrollWidth <= strip.clientWidth) return;
      const left =
        tab.getBoundingClientRect().left - strip.getBoundingClientRect().left + strip.scrollLeft;
      if (left < strip.scrollLeft || left + tab.offsetWidth > strip.scrollLeft + strip.clientWidth) {
        strip.scrollLeft = Math.max(0, left - (strip.clientWidth - tab.offsetWidth) / 2);
      }
    });
  }

  // --- print buttons: <button data-print> (no inline handlers: the CSP forbids them) --------
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });

  // --- boxes that scroll sideways (wide tables on phones) are reachable by keyboard --------
  const SCROLLERS = ".table.lines, .table.scroll, .scroll-x, .proposal-doc .doc-table";
  function focusableScrollers() {
    document.querySelectorAll(SCROLLERS).forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "1";
      } else if (!scrolls && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    labelTables(document.body);
    showSelectedTabs(document.body);
    focusableScrollers();
  });
  document.addEventListener("htmx:afterSettle", () => {
    showSelectedTabs(document.body);
    focusableScrollers();
  });
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("htmx:load", (event) => labelTables(event.detail.elt));

  // --- focus: a swap that removed the focused element never drops focus to the page top -----
  const FIELDS = "textarea, input:not([type]), input[type=text], input[type=search]";
  const CONTROLS =
    "input:not([type=hidden]):not([disabled]), button:not([disabled]), select, textarea, a[href]";
  // the swap target that held the focus when the swap began, and where it stood
  let focusWasInside = null;

  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    const active = document.activeElement;
    const inside = target && active && active !== document.body && target.contains(active);
    focusWasInside = inside
      ? { target, prev: target.previousElementSibling, parent: target.parentElement }
      : null;
  });

  function swappedIn(place) {
    // an innerHTML swap keeps the target; an outerHTML swap put new content where it stood
    const { target, prev, parent } = place;
    if (document.contains(target)) return target;
    if (target.id && document.getElementById(target.id)) return document.getElementById(target.id);
    if (prev && document.contains(prev)) return prev.nextElementSibling;
    return parent && document.contains(parent) ? parent.firstElementChild : null;
  }

  function firstOf(root, selector) {
    return root.querySelector(selector);
  }

  document.addEventListener("htmx:afterSwap", (event) => {
    const place = focusWasInside;
    if (!place || place.target !== event.detail.target) return;
    focusWasInside = null;
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    const fresh = swappedIn(place);
    if (!fresh) return;
    const own = firstOf(fresh, "[autofocus], [aria-invalid=true]");
    if (own) {
      own.focus();
      return;
    }
    if (fresh.tagName === "TR" && !firstOf(fresh, FIELDS)) {
      // a decided row: on to the next row that still has something to do
      for (let row = fresh.nextElementSibling; row; row = row.nextElementSibling) {
        const next = firstOf(row, FIELDS) || firstOf(row, CONTROLS);
        if (next) {
          next.focus();
          return;
        }
      }
    }
    const inside = firstOf(fresh, FIELDS) || firstOf(fresh, CONTROLS);
    if (inside) {
      inside.focus();
    } else {
      if (!fresh.hasAttribute("tabindex")) fresh.setAttribute("tabindex", "-1");
      fresh.focus();
    }
  });

  // --- copy buttons: <button data-copy="#input-id"> copies that input's value ---------------
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.querySelector(button.dataset.copy);
    if (!source) return;
    const text = source.value || source.textContent;
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      // no clipboard API (plain http, older WebView): select the text and use the old command
      if (source.select) {
        source.select();
        copied = document.execCommand && document.execCommand("copy");
      }
    }
    const status = button.parentElement.querySelector(".copy-status");
    if (status) status.textContent = copied ? button.dataset.copied : button.dataset.failed;
  });

  // read-only link fields select their whole text when focused, ready to copy by hand
  document.addEventListener("focusin", (event) => {
    if (event.target.matches && event.target.matches("input[data-select-all]")) {
      event.target.select();
    }
  });
})();
