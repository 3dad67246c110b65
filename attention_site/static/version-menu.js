// The version menu lists every version the site has, newest first, and marks the one shown.
// The page lists its own version; versions.json at the site root (rewritten at each deploy, so an
// old release's pages list newer ones too) replaces that list. On Read the Docs, its addons do.
// A Chinese page links each version's Chinese site, or its English one (said so) where a version
// was published in English only. The menu's words come from its data attributes (the page's language).
"use strict";
(() => {
  const menu = document.querySelector("details.version-menu");
  if (!menu) return;

  const show = (versions, current) => {
    const items = versions.map(({ name, url, latest, englishOnly }) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = url;
      link.textContent = name;
      if (name === current) link.setAttribute("aria-current", "page");
      item.append(link);
      if (englishOnly) item.append(menu.dataset.englishOnly);
      if (latest) item.append(menu.dataset.latest);
      return item;
    });
    if (items.length) menu.querySelector("ul").replaceChildren(...items);
  };

  const source = menu.dataset.versionsJson;
  if (source) {
    const url = new URL(source, document.baseURI);
    fetch(url)
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        const folder = menu.dataset.languageFolder || "";
        show(
          data.versions.map((v) => {
            // A Chinese page stays Chinese where the version has Chinese (versions.json's languages;
            // a file from before the site had languages lists none: its versions are English only).
            const here = (v.languages || []).find((lang) => lang.path === v.path + folder);
            return {
              name: v.name,
              url: new URL(here ? here.path : v.path, url).href,
              latest: v.latest,
              englishOnly: Boolean(folder) && !here,
            };
          }),
          menu.dataset.current,
        );
      })
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
