// Sphinx 9.0's Chinese search ends language_data.js with `window.Stemmer = ChineseStemmer;`, a class
// that does not exist (sphinx-doc/sphinx#14229, fixed upstream by #14416), so the search page
// never shows results. It stems Latin words the English way (sphinx/search/zh.py), so the name is
// given the English stemmer, defined by the time the search code first asks for a stemmer.
"use strict";
window.ChineseStemmer = function ChineseStemmer() {
  return new EnglishStemmer(); // eslint-disable-line no-undef
};
