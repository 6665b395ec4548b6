/**
 * The gateway's cost model, checked once the operation and its variables are known (Armor's
 * static cost limit sees neither page sizes in variables nor which fields are traversals).
 *
 * cost(field) = weight(field) × max(1, size / 100) + size × cost(children)
 * where `size` is the field's page argument (`first`, `limit`, `maxNodes`; the schema default
 * when absent) on a list or connection, a plain list field counts as LIST_GUESS items, and a
 * connection's `nodes` does not multiply again (its `first` already did). A page argument on a
 * field that returns one object (`deprecationImpact(limit)`, `reusedBy(limit)`) caps each list
 * inside it, so those lists count `limit` items instead of LIST_GUESS. Graph traversals weigh what a Neo4j
 * round of them costs relative to a plain object field; scalars are free (size is bounded by
 * Armor's token limit).
 */
import { createRequire } from 'node:module';
import type { DocumentNode, FragmentDefinitionNode, GraphQLField, GraphQLNamedType, GraphQLSchema, OperationDefinitionNode, SelectionSetNode } from 'graphql';

// The schema comes from @apollo/gateway, which loads graphql's CommonJS build; graphql's type
// predicates check `instanceof`, so use that same build (an ESM import is another realm under vitest).
const { getNamedType, getNullableType, isListType, isObjectType, isInterfaceType, isUnionType, Kind, valueFromASTUntyped } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * Weights of the fields that start a graph traversal or a platform fan-out, calibrated so one
 * cost unit is roughly the same work everywhere (about 1/60 ms of one core on the dev machine,
 * measured alone with test/bench/availability.ts's shapes: the flagship page of 100 costs
 * ≈ 5,800 and takes ≈ 90 ms; one reusedBy(limit: 200) ≈ 17 ms; one lineage(depth: 6,
 * maxNodes: 2,000) ≈ 250 ms; one deprecationImpact(limit: 5,000) of a fleet base ≈ 300 ms).
 * The default limit of 200,000 is then about 3 s of work per request.
 */
export const FIELD_WEIGHTS: Record<string, number> = {
  reusedBy: 400,
  usedBy: 400,
  lineage: 550,
  deprecationImpact: 200,
  impact: 200,
  trainedOn: 10,
  deployedTo: 10,
  servedAt: 5,
  deploymentsAt: 5,
  comparison: 40,
  targetsNotOn: 40,
  targetCountsByDataset: 40,
  targetsTrainedOnDataBefore: 40,
  series: 5,
  auditTrail: 10,
  verifyAuditTrail: 20,
};

const PAGE_ARGS = ['first', 'limit', 'maxNodes'] as const;
const LIST_GUESS = 5;
const PASS_THROUGH_LISTS = new Set(['nodes', 'edges']);

export interface CostResult {
  cost: number;
}

export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 0;

  const fieldsOf = (t: GraphQLNamedType): Record<string, GraphQLField<unknown, unknown>> | null =>
    isObjectType(t) || isInterfaceType(t) ? t.getFields() : null;

  const walk = (set: SelectionSetNode, parent: GraphQLNamedType, seen: Set<string>, listCap?: number): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        // A fragment cycle is a validation error elsewhere; never loop here.
        if (!f || seen.has(f.name.value)) continue;
        const t = schema.getType(f.typeCondition.name.value) ?? parent;
        total += walk(f.selectionSet, t, new Set([...seen, f.name.value]), listCap);
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? parent) : parent;
        total += walk(sel.selectionSet, t, seen, listCap);
        continue;
      }
      const name = sel.name.value;
      if (name.startsWith('__')) continue;
      const def = isUnionType(parent) ? null : fieldsOf(parent)?.[name];
      if (!def) continue;
      const type = getNullableType(def.type);
      const named = getNamedType(def.type);
      let size = 1;
      let cap: number | undefined;
      let weightScale = 1;
      const pageArg = PAGE_ARGS.map((a) => def.args.find((x) => x.name === a)).find(Boolean);
      if (pageArg) {
        const node = sel.arguments?.find((a) => a.name.value === pageArg.name);
        const v = node ? valueFromASTUntyped(node.value, variables) : pageArg.defaultValue;
        const n = typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 20;
        const fieldsOfNamed = fieldsOf(named);
        const isConnection = !!fieldsOfNamed && ('nodes' in fieldsOfNamed || 'edges' in fieldsOfNamed);
        if (isListType(type) || isConnection) size = n;
        else cap = n;
        weightScale = Math.max(1, n / 100);
      } else if (isListType(type) && !PASS_THROUGH_LISTS.has(name)) {
        size = listCap ?? LIST_GUESS;
      }
      const isComposite = !!sel.selectionSet;
      const weight = FIELD_WEIGHTS[name] ?? (isComposite ? 1 : 0);
      const children = sel.selectionSet ? walk(sel.selectionSet, named, seen, cap) : 0;
      total += weight * weightScale + size * children;
    }
    return total;
  };
  return walk(operation.selectionSet, root, new Set());
}

interface CostMemo {
  /** The variables operationCost read for this operation (the same every time: it walks the document, not the values). */
  keys: string[];
  byValues: Map<string, number>;
}
const memos = new WeakMap<OperationDefinitionNode, CostMemo>();

/**
 * operationCost, remembered per operation (Apollo Server and the hive-router fast path hand the
 * same parsed operation for the same text) and per values of the variables it reads: the
 * flagship's cost depends on `first` alone, not on the cursor that makes every page distinct.
 * 8% of the gateway process's CPU per flagship request on the hive-router engine, before.
 */
export function cachedOperationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  const memo = memos.get(operation);
  if (!memo) {
    const read = new Set<string>();
    const watched = new Proxy(variables, {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key);
      },
      has(target, key) {
        if (typeof key === 'string') read.add(key);
        return Reflect.has(target, key);
      },
    });
    const cost = operationCost(schema, document, operation, watched);
    const keys = [...read].sort();
    memos.set(operation, { keys, byValues: new Map([[valuesKey(keys, variables), cost]]) });
    return cost;
  }
  const key = valuesKey(memo.keys, variables);
  const hit = memo.byValues.get(key);
  if (hit !== undefined) return hit;
  const cost = operationCost(schema, document, operation, variables);
  if (memo.byValues.size >= 1_000) memo.byValues.clear();
  memo.byValues.set(key, cost);
  return cost;
}

const valuesKey = (keys: string[], variables: Record<string, unknown>) => JSON.stringify(keys.map((k) => variables[k] ?? null));
