// Starts the deck. reveal.js and its speaker-notes plugin are loaded from
// the installed npm package by the server, never from a CDN.
Reveal.initialize({
  hash: true,
  plugins: [RevealNotes],
});
