// The version menu lists every version the site has, newest first, and marks the one shown.
// The page lists its own version; versions.json at the site root (rewritten at each deploy, so an
// old release's pages list newer ones too) replaces that list. On Read the Docs, its addons do.
"use strict";
(() => {
  const menu = document.querySelector("details.version-menu");
  if (!menu) return;

  const show = (versions, current) => {
    const items = versions.map(({ name, url, latest }) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = url;
      link.textContent = name;
      if (name === current) link.setAttribute("aria-current", "page");
      item.append(link);
      if (latest) item.append(" (latest release)");
      return item;
    });
    if (items.length) menu.querySelector("ul").replaceChildren(...items);
  };

  const source = menu.dataset.versionsJson;
  if (source) {
    const url = new URL(source, document.baseURI);
    fetch(url)
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) =>
        show(
          data.versions.map((v) => ({
            name: v.name,
            url: new URL(v.path + (menu.dataset.languageFolder || ""), url).href, // a Chinese page stays Chinese
            latest: v.latest,
          })),
          menu.dataset.current,
        ),
      )
      .catch(() => {}); // no versions.json (a file:// page, another host): the page's own list stays
  }

  document.addEventListener("readthedocs-addons-data-ready", (event) => {
    const data = event.detail.data();
    show(
      data.versions.active.map((v) => ({ name: v.slug, url: v.urls.documentation, latest: v.slug === "stable" })),
      data.versions.current.slug,
    );
  });
})();
