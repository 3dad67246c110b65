// The temperature and width explorers (attention_site/explorer.py writes their markup and data).
// The browser computes only softmax(scores / T) and its product with V; every other number
// was computed at build time by the `attention` package. State lives in the URL fragment:
// #explore-t=1&row=sat for the temperature explorer, #explore-dk=1024 for the width explorer.
"use strict";
(() => {
  const KEYS = { t: "explore-t", row: "row", dk: "explore-dk" };

  // -- Numbers: the same text as scenes.formats.format_number (Python's round-half-even, no "-0.00")
  function formatNumber(x, digits = 2) {
    const [whole, frac] = Math.abs(x).toFixed(100).split("."); // the exact binary value, in decimal
    let kept = BigInt(whole + frac.slice(0, digits));
    const rest = frac.slice(digits);
    if (rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || kept % 2n === 1n))) kept += 1n;
    const text = kept.toString().padStart(digits + 1, "0");
    const shown = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
    return x < 0 && kept !== 0n ? `-${shown}` : shown;
  }

  function softmax(row, t) {
    const z = row.map((s) => s / t);
    const top = Math.max(...z); // subtracted first, as attention.softmax does
    const e = z.map((v) => Math.exp(v - top));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  }

  // -- Colour: viridis between the palette's anchors, ink chosen for contrast (WCAG)
  const rgbOf = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

  function viridis(stops, t) {
    const position = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
    const low = Math.min(Math.floor(position), stops.length - 2);
    const [a, b] = [rgbOf(stops[low]), rgbOf(stops[low + 1])];
    return a.map((c, i) => Math.round(c + (b[i] - c) * (position - low)));
  }

  function luminance(rgb) {
    const [r, g, b] = rgb.map((c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function inkFor(rgb, inks) {
    const fill = luminance(rgb);
    const ratio = (ink) => {
      const l = luminance(rgbOf(ink));
      return (Math.max(l, fill) + 0.05) / (Math.min(l, fill) + 0.05);
    };
    const best = inks.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));
    if (ratio(best) >= 4.5) return best;
    return fill > 0.179 ? "#000000" : "#ffffff"; // one of the two always reaches 4.5:1
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

  // -- Temperature: softmax(Q K^T / T) over the worked example
  function temperature(root) {
    const data = JSON.parse(root.querySelector(".explorer-data").textContent);
    const fmt = (x) => formatNumber(x, data.digits);
    const words = data.words;
    const sqrtDk = Math.sqrt(data.d_k);
    const slider = root.querySelector('input[type="range"]');
    const rows = [...root.querySelectorAll(".explorer-weights tbody tr")];
    const outputs = [...root.querySelectorAll(".explorer-out")];
    let t = sqrtDk;
    let query = Math.max(0, data.tokens.indexOf(root.dataset.query));

    const buttons = rows.map((tr, i) => {
      const header = tr.querySelector("th");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "explorer-pick";
      button.textContent = header.textContent;
      header.replaceChildren(button);
      tr.addEventListener("click", () => pick(i));
      return button;
    });

    function pick(i) {
      query = i;
      draw();
      remember({ [KEYS.t]: shortT(), [KEYS.row]: data.tokens[i].toLowerCase() });
      summarise();
    }

    const shortT = () => String(Number(t.toPrecision(4)));

    function setT(value) {
      t = value;
      slider.value = String(Math.round(Math.log2(t) * data.steps));
      draw();
    }

    function draw() {
      const weights = data.scores.map((row) => softmax(row, t)); // (n, n)
      const high = Math.max(...weights.flat()); // colours run from 0 to the largest weight, as in the clips
      weights.forEach((w, i) => {
        const top = w.indexOf(Math.max(...w));
        const tied = w.filter((x) => Math.abs(x - w[top]) <= 5e-3 + 1e-5 * Math.abs(w[top])).length > 1;
        rows[i].querySelectorAll(".explorer-cell").forEach((cell, j) => {
          const rgb = viridis(data.viridis, w[j] / high);
          cell.dataset.value = String(w[j]);
          cell.textContent = fmt(w[j]);
          cell.style.backgroundColor = `rgb(${rgb})`;
          cell.style.color = inkFor(rgb, data.ink);
          cell.classList.toggle("is-row-max", !tied && j === top);
        });
        const sum = w.reduce((a, b) => a + b, 0);
        const total = rows[i].querySelector(".explorer-sum");
        total.dataset.value = String(sum);
        total.textContent = fmt(sum);
        const largest = rows[i].querySelector(".explorer-largest");
        largest.dataset.value = String(w[top]);
        largest.dataset.key = String(top);
        largest.firstChild.textContent = `${fmt(w[top])} `;
        largest.querySelector(".explorer-key").textContent = data.tokens[top];
        rows[i].classList.toggle("is-selected", i === query);
        buttons[i].setAttribute("aria-pressed", String(i === query));
      });
      outputs.forEach((cell, c) => {
        const value = weights[query].reduce((acc, w, j) => acc + w * data.v[j][c], 0); // weights @ V
        cell.dataset.value = String(value);
        cell.textContent = fmt(value);
      });
      const atSqrt = Math.abs(t - sqrtDk) < 1e-12;
      root.dataset.t = String(t);
      root.dataset.query = data.tokens[query];
      const shown = { t: fmt(t) };
      slider.setAttribute("aria-valuetext", say(atSqrt ? words.t_spoken_sqrt : words.t_spoken, shown));
      root.querySelector(".explorer-t-value").textContent = say(atSqrt ? words.t_value_sqrt : words.t_value, shown);
      for (const caption of root.querySelectorAll(".explorer-t-caption")) caption.textContent = say(words.t_value, shown);
      root.querySelector(".explorer-query-name").textContent = data.tokens[query];
      root.querySelector(".explorer-legend-max").textContent = fmt(high);
    }

    function summarise() {
      const w = softmax(data.scores[query], t);
      const top = w.indexOf(Math.max(...w));
      note(root, say(words.t_status, { t: fmt(t), query: data.tokens[query], weight: fmt(w[top]), key: data.tokens[top] }));
    }

    function restore() {
      const params = fragment();
      const problems = [];
      if (params.has(KEYS.t)) {
        const asked = params.get(KEYS.t);
        let value = Number(asked);
        if (asked.trim() === "" || !Number.isFinite(value)) {
          problems.push(say(words.t_not_number, { asked }));
          value = sqrtDk;
        } else if (value < data.tMin || value > data.tMax) {
          problems.push(say(words.t_outside, { asked, low: data.tMin, high: data.tMax }));
          value = Math.min(Math.max(value, data.tMin), data.tMax);
        }
        const stop = Math.log2(value) * data.steps; // a link rounded to 4 digits lands back on its slider stop
        setT(Math.abs(stop - Math.round(stop)) < 0.025 ? 2 ** (Math.round(stop) / data.steps) : value);
      }
      if (params.has(KEYS.row)) {
        const asked = params.get(KEYS.row);
        const found = data.tokens.findIndex((token) => token.toLowerCase() === asked.toLowerCase());
        if (found < 0) problems.push(say(words.t_not_token, { asked, tokens: data.tokens.join(words.list) }));
        else query = found;
      }
      draw();
      if (problems.length) note(root, problems.join(" "));
      return params.has(KEYS.t) || params.has(KEYS.row);
    }

    slider.addEventListener("input", () => setT(2 ** (Number(slider.value) / data.steps)));
    slider.addEventListener("change", () => {
      remember({ [KEYS.t]: shortT(), [KEYS.row]: data.tokens[query].toLowerCase() });
      summarise();
    });
    root.querySelector(".explorer-reset").addEventListener("click", () => {
      setT(sqrtDk);
      remember({ [KEYS.t]: shortT(), [KEYS.row]: data.tokens[query].toLowerCase() });
      summarise();
    });
    root.querySelector(".explorer-ramp").style.background = `linear-gradient(to right, ${data.viridis.join(", ")})`;
    reveal(root);
    return restore;
  }

  // -- Width: random unit-variance q and k, raw against scaled, from the numbers the build wrote
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
        const tallest = Math.max(...w[kind]) || 1;
        figure.querySelectorAll("rect").forEach((bar, b) => {
          const height = (100 * w[kind][b]) / tallest;
          bar.setAttribute("y", (100 - height).toFixed(2));
          bar.setAttribute("height", height.toFixed(2));
        });
        const std = kind === "raw" ? w.std_unscaled : w.std_scaled;
        figure.querySelector(".explorer-histogram-text").textContent = say(words.w_histogram, {
          low: formatNumber(w[`${kind}_min`], 1),
          high: formatNumber(w[`${kind}_max`], 1),
          std: formatNumber(std),
        });
      }
      for (const cell of root.querySelectorAll("[data-stat]")) {
        cell.dataset.value = String(w[cell.dataset.stat]);
        cell.textContent = formatNumber(w[cell.dataset.stat], Number(cell.dataset.digits));
      }
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
      const averages = { unscaled: formatNumber(w.max_weight_unscaled), scaled: formatNumber(w.max_weight_scaled) };
      note(root, say(words.w_status, { d_k: w.d_k, ...averages }));
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
