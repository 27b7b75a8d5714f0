import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BadRequest, Conflict, InvalidTransition, ValidationFailed, type FieldError } from '../errors.ts';
import type { UploadedFile } from '../plugins/uploads.ts';

/**
 * Forms, urlencoded or multipart, go through one pipeline: validate → load → authorise → act → render
 * or redirect. A POST handler then reads as the steps it names, and bad input always comes back as the
 * form with inline errors (400), never a 500 and never a silent drop.
 */

/** A submitted form: its text fields (a repeated field is an array) and its uploaded files by field. */
export interface SubmittedForm {
  fields: Record<string, string | string[]>;
  files: Record<string, UploadedFile[]>;
}

/** NUL is no text a person types, and PostgreSQL's text cannot hold it: dropped from every field. */
const withoutNul = (text: string) => (text.includes('\u0000') ? text.replaceAll('\u0000', '') : text);

/** Reads a urlencoded or multipart body (attachFieldsToBody) into plain text fields and files. */
export function readForm(body: unknown): SubmittedForm {
  const fields: Record<string, string | string[]> = {};
  const files: Record<string, UploadedFile[]> = {};
  if (!body || typeof body !== 'object') return { fields, files };
  for (const [name, raw] of Object.entries(body as Record<string, unknown>)) {
    const parts = Array.isArray(raw) ? raw : [raw];
    const texts: string[] = [];
    for (const part of parts) {
      if (typeof part === 'string') texts.push(withoutNul(part));
      else if (part && typeof part === 'object' && 'value' in part) {
        const value = (part as { value: unknown }).value;
        if (typeof value === 'string') texts.push(withoutNul(value));
        else if (value && typeof value === 'object' && (value as UploadedFile).kind === 'file') {
          const file = value as UploadedFile;
          // a browser sends an empty part when no file is chosen
          if (file.data.length > 0 || file.filename !== '') (files[name] ??= []).push(file);
        }
      }
    }
    if (texts.length === 1 && !Array.isArray(raw)) fields[name] = texts[0]!;
    else if (texts.length > 0) fields[name] = texts;
  }
  return { fields, files };
}

/**
 * Checks text fields against a TypeBox object schema. Fields are strings as the browser sends them;
 * absent optional fields are filled from the schema's defaults. Each failing field becomes one inline
 * error with code `invalid` (or `required` when it is missing), keyed by the field's name.
 */
export function validateFields<T extends TObject>(
  schema: T,
  fields: Record<string, string | string[]>,
): { ok: true; value: Static<T> } | { ok: false; errors: FieldError[] } {
  // Only the schema's own keys are looked at: a stray field neither fails the form nor leaks through.
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    if (fields[key] !== undefined) picked[key] = fields[key];
  }
  const candidate = Value.Default(schema, picked);
  if (Value.Check(schema, candidate)) return { ok: true, value: candidate as Static<T> };
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, candidate)) {
    const field = error.path.replace(/^\//, '').split('/')[0] ?? '';
    if (field === '' || seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, code: picked[field] === undefined ? 'required' : 'invalid' });
  }
  if (errors.length === 0) errors.push({ field: '', code: 'invalid' });
  return { ok: false, errors };
}

export interface FormContext<T> {
  request: FastifyRequest;
  reply: FastifyReply;
  value: T;
  files: Record<string, UploadedFile[]>;
  fields: Record<string, string | string[]>;
}

export interface FormSteps<T extends TObject, L> {
  /** The text fields the form accepts. */
  schema: T;
  /** Loads, from the route's validated params, what the action works on; and so authorises it (a thing
   * out of the actor's scope is a NotFound). Runs first, before the body is looked at. */
  load?: (request: FastifyRequest) => Promise<L>;
  /** Does the work (one transaction in the service) and returns where to redirect (303). */
  act: (ctx: FormContext<Static<T>>, loaded: L) => Promise<string>;
  /** Renders the form again with inline errors; the pipeline sets the status to 400. */
  render: (
    ctx: FormContext<Partial<Static<T>>> & { raw: Record<string, string | string[]> },
    errors: FieldError[],
    loaded: L,
  ) => Promise<unknown>;
  /** Optional: renders the page again when the thing acted on moved on meanwhile (a Conflict or an
   * InvalidTransition from the service), so the user sees its new state; the pipeline sets the status to 409. */
  conflict?: (ctx: FormContext<Static<T>>, error: Conflict | InvalidTransition, loaded: L) => Promise<unknown>;
}

/**
 * Builds a POST handler from its steps. Validation failures, and a service's ValidationFailed, re-render
 * the form with what was typed and a 400; every other error goes to the error handler.
 */
export function formHandler<T extends TObject, L = undefined>(steps: FormSteps<T, L>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const loaded = (steps.load ? await steps.load(request) : undefined) as L;
    const { fields, files } = readForm(request.body);
    const checked = validateFields(steps.schema, fields);
    const base = { request, reply, files, fields };
    if (!checked.ok) {
      reply.code(400);
      return steps.render({ ...base, value: fields as Partial<Static<T>>, raw: fields }, checked.errors, loaded);
    }
    const ctx: FormContext<Static<T>> = { ...base, value: checked.value };
    try {
      const target = await steps.act(ctx, loaded);
      return reply.redirect(target, 303);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        reply.code(400);
        return steps.render({ ...ctx, raw: fields }, error.errors, loaded);
      }
      if (steps.conflict && (error instanceof Conflict || error instanceof InvalidTransition)) {
        reply.code(409);
        return steps.conflict(ctx, error, loaded);
      }
      throw error;
    }
  };
}

/** Renames the schema's field names in errors to the names the view shows them under (`amount` -> `fundAmount`). */
export function errorsAs(errors: FieldError[], names: Readonly<Record<string, string>>): FieldError[] {
  return errors.map((e) => ({ ...e, field: names[e.field] ?? e.field }));
}

/** `render` for a form whose fields nobody types (a button, the language switcher): a bad value there is
 * a forged or broken request, answered with the 400 page rather than a form to redo. */
export async function refuseForm(): Promise<never> {
  throw new BadRequest();
}
