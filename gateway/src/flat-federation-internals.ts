/**
 * Why this exists: @apollo/federation-internals is compiled by TypeScript to CommonJS, and its
 * index re-exports every submodule through a getter (`__createBinding`: `get: () => m[k]`).
 * @apollo/gateway reads those exports for every value it shapes (`federation_internals_1.
 * isObjectType(…)` in resultShaping.js), so each read is a function call: 7.8% of the gateway's
 * CPU per flagship request in the profile (BENCHMARKS.md). Every one of the package's exports is
 * assigned once, while it loads (none is reassigned later), so a plain copy of its export table
 * equals the live one. This puts that copy in Node's module cache before @apollo/gateway loads
 * and requires the package, so the gateway reads plain properties.
 *
 * It must be imported before '@apollo/gateway' by every gateway file that imports it; a gateway
 * already loaded keeps the getters (correct, only slower). Answers are unchanged: the whole
 * integration suite runs through this gateway.
 */
import { createRequire } from 'node:module';

const fromGateway = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
const id = fromGateway.resolve('@apollo/federation-internals');
const live = fromGateway('@apollo/federation-internals') as Record<string, unknown>;
const cached = fromGateway.cache[id];

const isPlain = (o: object) => typeof Object.getOwnPropertyDescriptor(o, 'isObjectType')?.get !== 'function';

if (cached && !isPlain(live)) {
  const flat: Record<string, unknown> = {};
  for (const key of Object.keys(live)) flat[key] = live[key];
  Object.defineProperty(flat, '__esModule', { value: true });
  cached.exports = flat;
}

/** Whether @apollo/gateway gets the plain copy (tests check it). */
export const federationInternalsArePlain = () => isPlain(fromGateway('@apollo/federation-internals') as object);
