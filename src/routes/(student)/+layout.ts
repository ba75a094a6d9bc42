// Student pages are plain HTML forms (PRIVACY.md, PRODUCT.md: usable without JavaScript, fast
// on a cheap phone). A small same-origin script (static/student-enhance.js) adds what JS can.
export const csr = false;
