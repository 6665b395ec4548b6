/**
 * Where to go after signing in or out: a path on this origin, or `/`. Browsers are lenient with
 * URLs (`/\evil.example` and `/<tab>/evil.example` both mean `//evil.example`, an address on
 * another host), so anything that is not plainly a same-origin path is refused, in its raw and in
 * its percent-decoded form.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function plainPath(v: string): boolean {
  return v.startsWith('/') && !v.startsWith('//') && !v.includes('\\') && !CONTROL.test(v);
}

export function safeNext(v: unknown, fallback = '/'): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 2000) return fallback;
  if (!plainPath(v)) return fallback;
  // Decode a few times: %255C is %5C is \ after two rounds.
  let decoded = v;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      // A lone % (an id holding "%"): nothing further to decode, and browsers do not decode it either.
      break;
    }
    if (!plainPath(next)) return fallback;
    if (next === decoded) break;
    decoded = next;
  }
  try {
    const base = 'http://same-origin.invalid';
    const u = new URL(v, base);
    if (u.origin !== base) return fallback;
  } catch {
    return fallback;
  }
  return v;
}
