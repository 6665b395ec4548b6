/**
 * Why this exists: @apollo/gateway shapes every answer (resultShaping.js `computeResponse`: the
 * merged subgraph data walked against the client's operation, in its field order, with
 * `__typename`, `@skip`/`@include`, leaf-value checks and null bubbling). In the flagship
 * profile that walk was 27% of the gateway's CPU: for every object of every list it asked each
 * selection for its `@skip`/`@include` directives, each field for its definition, response name
 * and type wrappers, and the schema for its built-in scalars, and it allocated a result object
 * per value.
 *
 * This is the same algorithm, step for step (same order, same errors and messages, same
 * asserts), with what depends only on the operation and the schema worked out once per
 * selection set and per type, and no allocation per value. It replaces the module's export, which
 * executeQueryPlan.js reads at each call (`(0, resultShaping_1.computeResponse)(…)`).
 * `shadowResultShaping` runs the original beside it and counts differences: the integration
 * test for this file runs the whole stack that way (gateway/src/result-shaping.int.test.ts).
 */
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';

const fromGateway = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- federation-internals' classes are untyped here on purpose: we only call what resultShaping.js calls.
type Any = any;
const fi = fromGateway('@apollo/federation-internals') as Any;
const shapingModule = fromGateway('./resultShaping') as { computeResponse: ComputeResponse };
const { getOwn } = fromGateway('./utilities/own') as { getOwn: (o: object, k: string) => unknown };

type ComputeResponse = (args: { operation: Any; variables: Record<string, unknown> | undefined; input: Any; introspectionHandling: (f: Any) => unknown }) => { data: unknown; errors: Any[] };

const original: ComputeResponse = shapingModule.computeResponse;

const OK = 0;
const NULL_BUBBLE_UP = 1;

/**
 * The answer's objects, as the original's `Object.create(null)`: nothing inherited, so a field
 * aliased `constructor` or `__proto__` is an ordinary own key. But `Object.create(null)` makes a
 * dictionary-mode object in V8, and Apollo Server's JSON.stringify of a 37 KB answer built of
 * them took 1.85x as long as of the same answer in ordinary objects (and building it 1.9x);
 * objects made by a constructor whose prototype inherits nothing keep V8's fast properties.
 */
function OutputObject() {}
OutputObject.prototype = Object.create(null);
const newOutput = (): Record<string, unknown> => new (OutputObject as unknown as new () => Record<string, unknown>)();

interface Parameters {
  schema: Any;
  variables: Record<string, unknown>;
  errors: Any[];
  introspectionHandling: (f: Any) => unknown;
}

// ---------------------------------------------------------------- per type, once
const LEAF_CUSTOM = 0;
const LEAF_ENUM = 1;
const LEAF_BOOLEAN = 2;
const LEAF_INT = 3;
const LEAF_ID = 4;
const LEAF_FLOAT = 5;
const LEAF_OTHER = 6;
const NONNULL = 10;
const LIST = 11;
const COMPOSITE = 12;

interface TypeInfo {
  kind: number;
  /** The wrapped type's info (NONNULL, LIST). */
  of: TypeInfo | null;
  type: Any;
}
const typeInfos = new WeakMap<object, TypeInfo>();

function typeInfo(type: Any, schema: Any): TypeInfo {
  let info = typeInfos.get(type);
  if (info) return info;
  let kind: number;
  let of: TypeInfo | null = null;
  if (fi.isNonNullType(type)) {
    kind = NONNULL;
    of = typeInfo(type.ofType, schema);
  } else if (fi.isListType(type)) {
    kind = LIST;
    of = typeInfo(type.ofType, schema);
  } else if (fi.isCompositeType(type)) kind = COMPOSITE;
  // isValidLeafValue's tests, in its order: a custom scalar, then the schema's built-ins by identity.
  else if (fi.isCustomScalarType(type)) kind = LEAF_CUSTOM;
  else if (fi.isEnumType(type)) kind = LEAF_ENUM;
  else if (type === schema.booleanType()) kind = LEAF_BOOLEAN;
  else if (type === schema.intType()) kind = LEAF_INT;
  else if (type === schema.idType()) kind = LEAF_ID;
  else if (type === schema.floatType()) kind = LEAF_FLOAT;
  else kind = LEAF_OTHER;
  info = { kind, of, type };
  typeInfos.set(type, info);
  return info;
}

const integerString = /^-?(?:0|[1-9][0-9]*)$/;

/** federation-internals' isValidLeafValue(schema, value, type), from the type's precomputed kind. */
function isValidLeaf(info: TypeInfo, value: unknown): boolean {
  const kind = info.kind;
  if (kind === LEAF_CUSTOM) return true;
  if (typeof value === 'boolean') return kind === LEAF_BOOLEAN;
  if (typeof value === 'number' && isFinite(value)) {
    if (kind === LEAF_INT || kind === LEAF_ID) return integerString.test(String(value));
    return kind === LEAF_FLOAT;
  }
  if (typeof value === 'string') {
    if (kind === LEAF_ENUM) return info.type.value(value) !== undefined;
    return kind !== LEAF_BOOLEAN && kind !== LEAF_INT && kind !== LEAF_FLOAT;
  }
  return false;
}

// ---------------------------------------------------------------- per selection set, once
interface Step {
  isField: boolean;
  element: Any;
  selection: Any;
  /** Whether the element has any directive: without one, shouldSkip is false whatever the variables. */
  directives: boolean;
  selectionSet: Any;
  // fields
  responseName: string;
  fieldName: string;
  isIntrospection: boolean;
  fieldType: Any;
  // fragments
  typeCondition: Any;
}
const stepsOf = new WeakMap<object, Step[]>();

function steps(selectionSet: Any): Step[] {
  let list = stepsOf.get(selectionSet);
  if (list) return list;
  list = [];
  for (const selection of selectionSet.selections()) {
    const element = selection.element;
    const isField = selection.kind === 'FieldSelection';
    list.push({
      isField,
      element,
      selection,
      directives: element.appliedDirectives.length > 0,
      selectionSet: selection.selectionSet,
      responseName: isField ? element.responseName() : '',
      fieldName: isField ? element.name : '',
      isIntrospection: isField ? element.definition.isSchemaIntrospectionField() : false,
      fieldType: isField ? element.definition.type : undefined,
      typeCondition: isField ? undefined : element.typeCondition,
    });
  }
  stepsOf.set(selectionSet, list);
  return list;
}

// ---------------------------------------------------------------- the walk (resultShaping.js, same order)
function shouldSkip(element: Any, parameters: Parameters): boolean {
  const skipDirective = element.appliedDirectivesOf(parameters.schema.skipDirective())[0];
  const includeDirective = element.appliedDirectivesOf(parameters.schema.includeDirective())[0];
  return Boolean((skipDirective && ifValue(skipDirective, parameters.variables)) || (includeDirective && !ifValue(includeDirective, parameters.variables)));
}

function ifValue(directive: Any, variables: Record<string, unknown>): boolean {
  const ifArg = directive.arguments().if;
  if (ifArg instanceof fi.Variable) {
    const value = variables[ifArg.name];
    fi.assert(value !== undefined && typeof value === 'boolean', () => `Unexpected value ${value} for variable ${ifArg} of ${directive}`);
    return value as boolean;
  }
  return ifArg;
}

function typeConditionApplies(schema: Any, typeCondition: Any, typename: string | undefined, parentType: Any): boolean {
  if (!typeCondition) return true;
  if (typename) {
    const type = schema.type(typename);
    return !!type && fi.isSubtype(typeCondition, type);
  }
  return fi.isSubtype(typeCondition, parentType);
}

function applySelectionSet(input: Any, selectionSet: Any, output: Any, parameters: Parameters, path: (string | number)[], parentType: Any): number {
  const list = steps(selectionSet);
  for (let i = 0; i < list.length; i++) {
    const step = list[i]!;
    if (step.directives && shouldSkip(step.element, parameters)) continue;
    if (step.isField) {
      const responseName = step.responseName;
      const outputValue = output[responseName];
      if (step.isIntrospection) {
        if (outputValue === undefined) output[responseName] = parameters.introspectionHandling(step.selection);
        continue;
      }
      let inputValue = getOwn(input, responseName) ?? null;
      if (step.fieldName === fi.typenameFieldName) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== fi.typenameFieldName) inputValue = input[fi.typenameFieldName] ?? null;
          const type = inputValue !== null && typeof inputValue === 'string' ? (parameters.schema.type(inputValue) ?? parentType) : parentType;
          if (!fi.isObjectType(type)) return NULL_BUBBLE_UP;
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      const updated = updateOutputValue(outputValue, typeInfo(step.fieldType, parameters.schema), inputValue, step.selectionSet, path, parameters, parentType);
      const isInvalid = lastInvalid;
      output[responseName] = updated;
      path.pop();
      if (isInvalid) return NULL_BUBBLE_UP;
    } else {
      const typename = input[fi.typenameFieldName];
      fi.assert(!typename || typeof typename === 'string', () => `Got unexpected value for __typename: ${typename}`);
      if (typeConditionApplies(parameters.schema, step.typeCondition, typename, parentType)) {
        const res = applySelectionSet(input, step.selectionSet, output, parameters, path, step.typeCondition ?? parentType);
        if (res === NULL_BUBBLE_UP) return NULL_BUBBLE_UP;
      }
    }
  }
  return OK;
}

function pathLastElementDescription(path: (string | number)[], currentType: Any, parentType: Any): string {
  const element = path[path.length - 1];
  fi.assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}

/**
 * resultShaping.js returns `{ updated, isInvalid?, hasErrors? }` per value; this returns
 * `updated` and leaves the two flags here, read by the caller right after the call.
 */
let lastInvalid = false;
let lastHasErrors = false;

function updateOutputValue(outputValue: Any, info: TypeInfo, inputValue: Any, selectionSet: Any, path: (string | number)[], parameters: Parameters, parentType: Any): Any {
  fi.assert(inputValue !== undefined, 'Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) {
    lastInvalid = false;
    lastHasErrors = false;
    return outputValue;
  }
  const kind = info.kind;
  if (kind === NONNULL) {
    const updated = updateOutputValue(outputValue, info.of!, inputValue, selectionSet, path, parameters, parentType);
    if (updated === null) {
      if (!lastHasErrors) {
        parameters.errors.push(fi.ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${pathLastElementDescription(path, info.of!.type, parentType)}.`, { path: Array.from(path) }));
      }
      lastInvalid = true;
      lastHasErrors = true;
      return updated;
    }
    // resultShaping.js returns `{ updated }` here: neither flag survives a non-null wrapper.
    lastInvalid = false;
    lastHasErrors = false;
    return updated;
  }
  if (inputValue === null) {
    lastInvalid = false;
    lastHasErrors = false;
    return null;
  }
  if (kind === LIST) {
    const type = info.type;
    fi.assert(Array.isArray(inputValue), () => `Invalid non-list value ${inputValue} returned by subgraph for list type ${type}`);
    fi.assert(outputValue === undefined || Array.isArray(outputValue), () => `Invalid non-list value ${outputValue} returned by subgraph for list type ${type}`);
    const length = inputValue.length;
    const outputList = outputValue === undefined ? null : (outputValue as unknown[]);
    fi.assert(outputList === null || length === outputList.length, () => `[${inputValue}].length (${length}) !== [${outputList}].length (${outputList!.length})`);
    let shouldNullify = false;
    let hasErrors = false;
    const updated = new Array(length);
    const of = info.of!;
    for (let idx = 0; idx < length; idx++) {
      path.push(idx);
      updated[idx] = updateOutputValue(outputList === null ? undefined : outputList[idx], of, inputValue[idx], selectionSet, path, parameters, parentType);
      path.pop();
      if (lastInvalid) shouldNullify = true;
      if (lastHasErrors) hasErrors = true;
    }
    lastInvalid = false;
    lastHasErrors = hasErrors;
    return shouldNullify ? null : updated;
  }
  if (kind === COMPOSITE) {
    const type = info.type;
    fi.assert(selectionSet, () => `Invalid empty selection set for composite type ${type}`);
    fi.assert(typeof inputValue === 'object', () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
    fi.assert(outputValue === undefined || typeof outputValue === 'object', () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
    const inputTypename = inputValue[fi.typenameFieldName];
    fi.assert(inputTypename === undefined || typeof inputTypename === 'string', () => `Invalid non-string value ${inputTypename} for __typename at ${path}`);
    let objType = type;
    if (inputTypename) {
      const typenameType = parameters.schema.type(inputTypename);
      if (!typenameType || !fi.isCompositeType(typenameType)) {
        parameters.errors.push(fi.ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${pathLastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }));
        lastInvalid = false;
        lastHasErrors = true;
        return null;
      }
      objType = typenameType;
    }
    const outputObject = outputValue === undefined ? newOutput() : outputValue;
    const res = applySelectionSet(inputValue, selectionSet, outputObject, parameters, path, objType);
    const hasErrors = res === NULL_BUBBLE_UP;
    lastInvalid = false;
    lastHasErrors = hasErrors;
    return hasErrors ? null : outputObject;
  }
  fi.assert(outputValue === undefined, () => `Excepted output to be undefined but got ${info.type} for type ${info.type}`);
  const valid = isValidLeaf(info, inputValue);
  if (!valid) {
    parameters.errors.push(fi.ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${pathLastElementDescription(path, info.type, parentType)}.`, { path: Array.from(path) }));
  }
  lastInvalid = false;
  lastHasErrors = !valid;
  return valid ? inputValue : null;
}

export const computeResponse: ComputeResponse = ({ operation, variables, input, introspectionHandling }) => {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const parameters: Parameters = {
    schema,
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>,
    errors: [],
    introspectionHandling,
  };
  const data = newOutput();
  const res = applySelectionSet(input, operation.selectionSet, data, parameters, [], schema.schemaDefinition.rootType(operation.rootKind));
  return { data: res === NULL_BUBBLE_UP ? null : data, errors: parameters.errors };
};

// ---------------------------------------------------------------- installation
let shadow: { compared: number; different: number; examples: string[] } | null = null;

/**
 * Runs @apollo/gateway's own computeResponse beside this one on every answer and counts the
 * answers whose data or errors differ (tests); null turns it off. The original runs on a
 * structured clone of the input, so neither sees the other's output.
 */
export function shadowResultShaping(on: boolean): { compared: number; different: number; examples: string[] } | null {
  shadow = on ? { compared: 0, different: 0, examples: [] } : null;
  return shadow;
}

const installed: ComputeResponse = (args) => {
  if (!shadow) return computeResponse(args);
  const reference = original({ ...args, input: args.input && structuredClone(args.input) });
  const ours = computeResponse(args);
  shadow.compared += 1;
  const errorsOf = (r: { errors: Any[] }) => r.errors.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code }));
  // The output objects have null prototypes in both; compare them as plain JSON.
  const same = JSON.stringify(reference.data) === JSON.stringify(ours.data) && isDeepStrictEqual(errorsOf(reference), errorsOf(ours));
  if (!same) {
    shadow.different += 1;
    if (shadow.examples.length < 3) shadow.examples.push(JSON.stringify({ reference: { data: reference.data, errors: errorsOf(reference) }, ours: { data: ours.data, errors: errorsOf(ours) } }).slice(0, 2000));
  }
  return ours;
};

shapingModule.computeResponse = installed;

/** Whether @apollo/gateway calls this module's computeResponse (tests check it). */
export const resultShapingInstalled = () => (fromGateway('./resultShaping') as { computeResponse: unknown }).computeResponse === installed;
