// Vigie: small enhancements over pages that work without JavaScript.
"use strict";

// "/" focuses the search box (unless typing in a field already).
document.addEventListener("keydown", (event) => {
  const t = event.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t.isContentEditable;
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const box = document.getElementById("recherche");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  }
});

// Person filter box: values from /api/facets/person as the user types; arrows move, Enter follows.
function personFilter(form) {
  const input = form.querySelector("input[name=person_prefix]");
  const list = form.querySelector(".person-matches");
  let timer = null;
  let serial = 0;
  const linkFor = (value) => {
    const url = new URL(window.location.href);
    url.searchParams.delete("page");
    url.searchParams.delete("person_prefix");
    if (!url.searchParams.getAll("person").includes(value)) url.searchParams.append("person", value);
    return url.pathname + url.search;
  };
  const render = (prefix, values) => {
    list.replaceChildren();
    if (!values.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = `Aucune personne ne commence par « ${prefix} ».`;
      list.append(li);
      return;
    }
    for (const item of values) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = linkFor(item.value);
      const v = document.createElement("span"); v.className = "value"; v.textContent = item.value;
      const c = document.createElement("span"); c.className = "count"; c.textContent = item.count;
      a.append(v, " ", c);
      li.append(a);
      list.append(li);
    }
  };
  const lookup = async () => {
    const prefix = input.value.trim();
    const mine = ++serial;
    if (!prefix) { list.replaceChildren(); return; }
    const resp = await fetch(`${input.dataset.api}?prefix=${encodeURIComponent(prefix)}&limit=15`);
    if (!resp.ok || mine !== serial) return;
    render(prefix, (await resp.json()).values);
  };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(lookup, 120); });
  const links = () => Array.from(list.querySelectorAll("a"));
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && links().length) { event.preventDefault(); links()[0].focus(); }
  });
  list.addEventListener("keydown", (event) => {
    const all = links();
    const i = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && i < all.length - 1) { event.preventDefault(); all[i + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (i > 0 ? all[i - 1] : input).focus(); }
    if (event.key === "Escape") { input.focus(); }
  });
}

// Timeline brushing: press on a bar, drag across others, release: the range becomes from/to.
function timelineBrush(bars) {
  const all = Array.from(bars.querySelectorAll(".bar"));
  let start = null;
  let end = null;
  const mark = () => {
    const [lo, hi] = [Math.min(start, end), Math.max(start, end)];
    all.forEach((bar, i) => bar.classList.toggle("brushed", start !== null && i >= lo && i <= hi));
  };
  all.forEach((bar, i) => {
    bar.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      start = end = i; mark(); event.preventDefault();
    });
    bar.addEventListener("pointerenter", () => { if (start !== null) { end = i; mark(); } });
    bar.addEventListener("click", (event) => { if (bar.dataset.brushed === "1") event.preventDefault(); });
  });
  document.addEventListener("pointerup", () => {
    if (start === null) return;
    const [lo, hi] = [Math.min(start, end), Math.max(start, end)];
    start = null;
    if (lo === hi) { mark(); return; }  // a plain click follows the bar's own link
    all.forEach((bar) => { bar.dataset.brushed = "1"; });
    const url = new URL(all[lo].href);  // each bar's link sets from/to to its own month (year)
    url.searchParams.set("to", new URL(all[hi].href).searchParams.get("to"));
    window.location.assign(url.toString());
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form.person-filter").forEach(personFilter);
  document.querySelectorAll(".timeline .bars").forEach(timelineBrush);
});
