// The temperature and width explorers (attention_site/explorer.py writes their markup and data).
// They are views of Python's numbers: every number, colour, ink and marked maximum they show was
// computed at build time by the `attention` package and `scenes`' formats and palette; this script
// only puts them on the page. State lives in the URL fragment: #explore-t=1&row=sat for the
// temperature explorer, #explore-dk=1024 for the width explorer.
"use strict";
(() => {
  const KEYS = { t: "explore-t", row: "row", dk: "explore-dk" };
  const here = document.currentScript.src; // the build's _static folder, where the data files are

  // -- Data too large for the page (the temperature stops): one script, fetched once, when needed
  const loading = {};
  function load(name, file) {
    loading[name] ||= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(file, here).href;
      script.onload = () => resolve(window.attentionExplorerData[name]);
      script.onerror = () => reject(new Error(`${file} did not load`));
      document.head.append(script);
    });
    return loading[name];
  }

  // -- The URL fragment: only the explorers' keys are kept
  const fragment = () => new URLSearchParams(location.hash.slice(1));

  function remember(values) {
    const params = new URLSearchParams();
    const current = fragment();
    for (const key of Object.values(KEYS)) if (current.has(key)) params.set(key, current.get(key));
    for (const [key, value] of Object.entries(values)) params.set(key, value);
    history.replaceState(history.state, "", `#${params.toString()}`);
  }

  // -- Words: the build's templates in the page's language (attention_site/explorer.py's WORDS)
  const say = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

  function note(root, text) {
    root.querySelector(".explorer-status").textContent = text;
  }

  function reveal(root) {
    for (const hidden of root.querySelectorAll(".explorer-controls, .explorer-js-only")) hidden.hidden = false;
  }

  // -- Temperature: the example's weights softmax(Q K^T / T) at each slider stop
  function temperature(root) {
    const data = JSON.parse(root.querySelector(".explorer-data").textContent);
    const words = data.words;
    const slider = root.querySelector('input[type="range"]');
    const rows = [...root.querySelectorAll(".explorer-weights tbody tr")];
    const outputs = [...root.querySelectorAll(".explorer-out")];
    let stops = null; // filled from the stops file, indexed from data.first
    let stop = data.start;
    let query = Math.max(0, data.tokens.indexOf(root.dataset.query));

    const buttons = rows.map((tr, i) => {
      const header = tr.querySelector("th");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "explorer-pick";
      button.textContent = header.textContent;
      header.replaceChildren(button);
      button.setAttribute("aria-pressed", String(i === query)); // the figure shows the first query's output
      tr.classList.toggle("is-selected", i === query);
      tr.addEventListener("click", () => ready().then(() => pick(i)));
      return button;
    });

    // The stops load when the explorer comes near the screen, or at once when it is used first.
    const ready = () =>
      stops
        ? Promise.resolve()
        : load("temperature", data.stopsFile).then(
            (file) => {
              stops = file;
            },
            () => {
              note(root, words.t_unavailable);
              return new Promise(() => {}); // nothing to show: the figure stays as it is
            },
          );
    new IntersectionObserver((seen, observer) => {
      if (seen.some((entry) => entry.isIntersecting)) ready().then(() => observer.disconnect());
    }, { rootMargin: "50% 0px" }).observe(root);

    const at = () => stops.stops[stop - stops.first];

    function pick(i) {
      query = i;
      draw();
      remember({ [KEYS.t]: at().link, [KEYS.row]: data.tokens[i].toLowerCase() });
      summarise();
    }

    function move(value) {
      stop = Math.min(Math.max(value, data.first), data.last);
      slider.value = String(stop);
      draw();
    }

    function draw() {
      const shown = at();
      rows.forEach((tr, i) => {
        tr.querySelectorAll(".explorer-cell").forEach((cell, j) => {
          cell.textContent = shown.weights[i][j];
          cell.style.backgroundColor = `#${shown.fills[i][j]}`;
          cell.style.color = stops.inks[Number(shown.inks[i][j])];
          cell.classList.toggle("is-row-max", shown.maxima[i] === j);
        });
        tr.querySelector(".explorer-sum").textContent = shown.sums[i];
        const top = shown.largest[i];
        const largest = tr.querySelector(".explorer-largest");
        largest.dataset.key = String(top);
        largest.firstChild.textContent = `${shown.weights[i][top]} `;
        largest.querySelector(".explorer-key").textContent = data.tokens[top];
        tr.classList.toggle("is-selected", i === query);
        buttons[i].setAttribute("aria-pressed", String(i === query));
      });
      outputs.forEach((cell, c) => {
        cell.textContent = shown.outputs[query][c];
      });
      const atSqrt = stop === data.start;
      root.dataset.t = String(shown.t);
      root.dataset.query = data.tokens[query];
      const values = { t: shown.text };
      slider.setAttribute("aria-valuetext", say(atSqrt ? words.t_spoken_sqrt : words.t_spoken, values));
      root.querySelector(".explorer-t-value").textContent = say(atSqrt ? words.t_value_sqrt : words.t_value, values);
      for (const caption of root.querySelectorAll(".explorer-t-caption")) caption.textContent = say(words.t_value, values);
      root.querySelector(".explorer-query-name").textContent = data.tokens[query];
      root.querySelector(".explorer-legend-max").textContent = shown.high;
    }

    function summarise() {
      const shown = at();
      const top = shown.largest[query];
      const values = { t: shown.text, query: data.tokens[query], weight: shown.weights[query][top], key: data.tokens[top] };
      note(root, say(words.t_status, values));
    }

    function restore() {
      const params = fragment();
      const problems = [];
      if (params.has(KEYS.t)) {
        const asked = params.get(KEYS.t);
        let value = Number(asked);
        if (asked.trim() === "" || !Number.isFinite(value)) {
          problems.push(say(words.t_not_number, { asked }));
          value = 2 ** (data.start / data.steps);
        } else if (value < data.tMin || value > data.tMax) {
          problems.push(say(words.t_outside, { asked, low: data.tMin, high: data.tMax }));
          value = Math.min(Math.max(value, data.tMin), data.tMax);
        }
        const exact = Math.log2(value) * data.steps; // a link written by the page names its stop to 4 digits
        stop = Math.round(exact);
        if (Math.abs(exact - stop) >= 0.025 && !problems.length) problems.push("nearest");
      }
      if (params.has(KEYS.row)) {
        const asked = params.get(KEYS.row);
        const found = data.tokens.findIndex((token) => token.toLowerCase() === asked.toLowerCase());
        if (found < 0) problems.push(say(words.t_not_token, { asked, tokens: data.tokens.join(words.list) }));
        else query = found;
      }
      if (!params.has(KEYS.t) && !params.has(KEYS.row)) return false;
      ready().then(() => {
        move(stop);
        const nearest = { asked: params.get(KEYS.t), t: at().link };
        const said = problems.map((problem) => (problem === "nearest" ? say(words.t_nearest, nearest) : problem));
        if (said.length) note(root, said.join(" "));
      });
      return true;
    }

    slider.addEventListener("input", () => ready().then(() => move(Number(slider.value))));
    slider.addEventListener("change", () =>
      ready().then(() => {
        remember({ [KEYS.t]: at().link, [KEYS.row]: data.tokens[query].toLowerCase() });
        summarise();
      }),
    );
    root.querySelector(".explorer-reset").addEventListener("click", () =>
      ready().then(() => {
        move(data.start);
        remember({ [KEYS.t]: at().link, [KEYS.row]: data.tokens[query].toLowerCase() });
        summarise();
      }),
    );
    reveal(root);
    return restore;
  }

  // -- Width: random unit-variance q and k, raw against scaled, at each d_k the build wrote
  function width(root) {
    const data = JSON.parse(root.querySelector(".explorer-data").textContent);
    const slider = root.querySelector('input[type="range"]');
    const dks = data.widths.map((w) => w.d_k);
    const words = data.words;

    function show(index) {
      const w = data.widths[index];
      slider.value = String(index);
      slider.setAttribute("aria-valuetext", `d_k = ${w.d_k}`);
      root.dataset.dK = String(w.d_k);
      for (const kind of ["raw", "scaled"]) {
        const figure = root.querySelector(`[data-histogram="${kind}"]`);
        figure.querySelectorAll("rect").forEach((bar, b) => bar.setAttribute("height", w.bars[kind][b]));
        figure.querySelector(".explorer-histogram-text").textContent = w.texts[kind];
      }
      for (const cell of root.querySelectorAll("[data-stat]")) cell.textContent = w.stats[cell.dataset.stat];
      for (const caption of root.querySelectorAll(".explorer-dk-caption")) caption.textContent = `d_k = ${w.d_k}`;
      root.querySelector(".explorer-dk-value").textContent = `d_k = ${w.d_k}`;
    }

    function restore() {
      const params = fragment();
      if (!params.has(KEYS.dk)) return false;
      const asked = params.get(KEYS.dk);
      const index = dks.indexOf(Number(asked));
      if (index < 0) note(root, say(words.w_not_width, { asked, widths: dks.join(words.list) }));
      else show(index);
      return true;
    }

    slider.addEventListener("input", () => show(Number(slider.value)));
    slider.addEventListener("change", () => {
      const w = data.widths[Number(slider.value)];
      remember({ [KEYS.dk]: String(w.d_k) });
      note(root, w.status);
    });
    reveal(root);
    return restore;
  }

  const explorers = { temperature, width };
  const restorers = [...document.querySelectorAll("[data-explorer]")].map((root) => {
    const restore = explorers[root.dataset.explorer](root);
    return () => restore() && root;
  });

  const restoreAll = () => restorers.map((restore) => restore()).find(Boolean);
  const show = (root) => root && root.scrollIntoView({ block: "start", behavior: "instant" });
  const linked = restoreAll();
  // Scroll once the page's images have their sizes, so the explorer stays where it was scrolled to.
  if (document.readyState === "complete") show(linked);
  else window.addEventListener("load", () => show(linked), { once: true });
  window.addEventListener("hashchange", () => show(restoreAll()));
})();
