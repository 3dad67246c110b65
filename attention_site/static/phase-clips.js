// Chapter lists seek their video instead of opening the file; the playing chapter is marked.
"use strict";
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.seek");
  if (!link) return;
  const video = document.getElementById(link.dataset.target);
  if (!video) return; // no inline video (fast build): follow the media-fragment link
  event.preventDefault();
  video.currentTime = Number(link.dataset.seek);
  video.play().catch(() => {}); // autoplay rules may refuse; the reader presses play
});

for (const list of document.querySelectorAll("ol.chapter-list")) {
  const links = [...list.querySelectorAll("a.seek")];
  const video = links.length ? document.getElementById(links[0].dataset.target) : null;
  if (!video) continue;
  video.addEventListener("timeupdate", () => {
    let current = links[0];
    for (const link of links) if (Number(link.dataset.seek) <= video.currentTime + 0.05) current = link;
    for (const link of links) {
      // "time": the current point of a timeline. An empty aria-current reads as false to assistive technology.
      if (link === current) link.setAttribute("aria-current", "time");
      else link.removeAttribute("aria-current");
    }
  });
}

// Extended descriptions. With "Describe the picture" pressed, each description cue is shown under
// the clip and announced (aria-live) as its step starts, and at the step's end the clip waits as
// long as a screen reader needs to finish it: data-description-pauses holds those seconds, one a
// cue, computed at build time (scenes.captions.description_pauses). The transcript keeps the text.
for (const box of document.querySelectorAll(".clip-describe")) {
  const video = box.previousElementSibling;
  const track = video && [...video.textTracks].find((t) => t.kind === "descriptions");
  if (!track) {
    box.hidden = true; // nothing to describe: no button that does nothing
    continue;
  }
  const button = box.querySelector("button");
  const said = box.querySelector(".clip-description");
  const pauses = video.dataset.descriptionPauses.split(",").map(Number);
  let shown = null; // the cue whose description is on screen
  let holding = null; // the timer of a wait at a cue's end

  const textOf = (cue) => (cue ? cue.getCueAsHTML().textContent : said.dataset.hint);
  const show = (cue) => {
    shown = cue;
    said.textContent = textOf(cue);
  };
  const release = () => {
    clearTimeout(holding);
    holding = null;
  };

  track.mode = "disabled";
  button.addEventListener("click", () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(on));
    track.mode = on ? "hidden" : "disabled"; // hidden: its cues fire without the player drawing them
    release();
    show(on && track.activeCues && track.activeCues.length ? track.activeCues[0] : null);
    said.classList.toggle("is-on", on);
  });
  track.addEventListener("cuechange", () => {
    const next = track.activeCues.length ? track.activeCues[0] : null;
    if (next === shown || holding) return;
    const ended = shown;
    const wait = ended && !video.seeking && !video.paused && !video.ended ? pauses[[...track.cues].indexOf(ended)] : 0;
    if (!(wait > 0)) return show(next);
    video.pause(); // the picture stays on the step being described until the reader has heard it
    holding = setTimeout(() => {
      holding = null;
      show(track.activeCues.length ? track.activeCues[0] : null);
      video.play().catch(() => {});
    }, wait * 1000);
  });
  video.addEventListener("play", () => {
    if (!holding) return;
    release(); // the reader pressed play: go on at once
    show(track.activeCues.length ? track.activeCues[0] : null);
  });
  video.addEventListener("seeking", release);
}
