import { answerInput, expectedVersion, sendInputInput, updateInstancePatch } from '@cc-bridge/core/schemas';
import type { Role } from '@cc-bridge/core/roles';
import { z } from 'zod';
import { createInstanceRequest } from './instance-form';
import { listRequestQuery } from './list-params';

// Every operation of /api/v1, each used by its route handler (app/api/v1/…/route.ts) and by the
// OpenAPI document (openapi.ts). The schemas are core's and the dashboard's own: the REST API
// accepts exactly what the CLI and the server actions accept.

/**
 * One operation of the REST API (/api/v1): what its route handler checks (the role, the body's
 * schema) and what the OpenAPI document says of it, declared once so the two cannot drift.
 */
export interface Operation<Body extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** The OpenAPI path below /api/v1, `{name}` for the instance name: `/instances/{name}/start`. */
  path: string;
  /** The weakest role allowed (roles are ordered viewer < operator < admin). */
  role: Role;
  summary: string;
  /** The JSON body, validated with core's or the web's zod schema; absent: the body is ignored. */
  body?: Body;
  /** The query's schema, for the document only: the handler parses the query itself (one parser per query, shared with /api). */
  query?: z.ZodObject;
  /** 200, or 201 for a create. */
  successStatus: 200 | 201;
  /** What the success answer's JSON is, in words (the types live in core). */
  returns: string;
}

/** Declares an operation, keeping its body schema's type for the handler. */
export function defineOperation<Body extends z.ZodType>(operation: Operation<Body>): Operation<Body> {
  return operation;
}

/** PATCH /instances/{name}: the fields to change (core's patch) and the `version` the caller read. */
export const updateInstanceBody = updateInstancePatch.extend({ version: expectedVersion });

/** DELETE /instances/{name}?removeRuntime=true also kills the tmux session or removes the container. */
export const deleteInstanceQuery = z.strictObject({ removeRuntime: z.enum(['true', 'false']).optional() });

export const operations = {
  listInstances: defineOperation({
    method: 'get',
    path: '/instances',
    role: 'viewer',
    summary: 'One page of instances (100 a page), filtered as the dashboard and `cc-bridge instances list` filter; status is comma-separated (status=running,stopped)',
    query: listRequestQuery,
    successStatus: 200,
    returns: 'ListInstancesResult: { items, total, matched, … }',
  }),
  createInstance: defineOperation({
    method: 'post',
    path: '/instances',
    role: 'operator',
    summary: 'Registers an instance; with start: true also starts its tmux session or container',
    body: createInstanceRequest,
    successStatus: 201,
    returns: 'the new Instance',
  }),
  getInstance: defineOperation({
    method: 'get',
    path: '/instances/{name}',
    role: 'viewer',
    summary: 'The instance with its live status, its events and its agent’s token use',
    successStatus: 200,
    returns: 'InstanceDetail: { instance, status, events, tokens }',
  }),
  updateInstance: defineOperation({
    method: 'patch',
    path: '/instances/{name}',
    role: 'operator',
    summary: 'Changes fields (null clears one) if the record is still at `version`; else 409 CONFLICT',
    body: updateInstanceBody,
    successStatus: 200,
    returns: 'the updated Instance (its version one higher)',
  }),
  deleteInstance: defineOperation({
    method: 'delete',
    path: '/instances/{name}',
    role: 'operator',
    summary: 'Deletes the record; with removeRuntime=true also its tmux session or container',
    query: deleteInstanceQuery,
    successStatus: 200,
    returns: 'DeleteResult: { instance, … }',
  }),
  startInstance: defineOperation({
    method: 'post',
    path: '/instances/{name}/start',
    role: 'operator',
    summary: 'Starts the tmux session or container',
    successStatus: 200,
    returns: 'the Instance with the status the runtime reported',
  }),
  stopInstance: defineOperation({
    method: 'post',
    path: '/instances/{name}/stop',
    role: 'operator',
    summary: 'Stops the tmux session (the record stays) or the container',
    successStatus: 200,
    returns: 'the Instance with the status the runtime reported',
  }),
  restartInstance: defineOperation({
    method: 'post',
    path: '/instances/{name}/restart',
    role: 'operator',
    summary: 'Restarts the tmux session or container',
    successStatus: 200,
    returns: 'the Instance with the status the runtime reported',
  }),
  answerInstance: defineOperation({
    method: 'post',
    path: '/instances/{name}/answer',
    role: 'operator',
    summary: 'Answers the agent’s permission prompt: yes, always, or no with an optional message; 409 NOT_WAITING when it shows none',
    body: answerInput,
    successStatus: 200,
    returns: 'Answered: what was pressed (never the message’s text)',
  }),
  sendInput: defineOperation({
    method: 'post',
    path: '/instances/{name}/send',
    role: 'operator',
    summary: 'Types text into the instance as literal characters, then Enter unless enter is false',
    body: sendInputInput,
    successStatus: 200,
    returns: 'InputSent: { chars, enter } (never the text)',
  }),
  listInstanceEvents: defineOperation({
    method: 'get',
    path: '/instances/{name}/events',
    role: 'viewer',
    summary: 'The instance’s history, oldest first (a deleted instance’s too, by its last name)',
    successStatus: 200,
    returns: '{ items: InstanceEvent[] }',
  }),
  runDiscovery: defineOperation({
    method: 'post',
    path: '/discovery',
    role: 'operator',
    summary: 'Runs Docker discovery now: adds, updates and marks stopped the containers it finds',
    successStatus: 200,
    returns: 'DiscoveryReport',
  }),
  openapi: defineOperation({
    method: 'get',
    path: '/openapi.json',
    role: 'viewer',
    summary: 'This document',
    successStatus: 200,
    returns: 'the OpenAPI 3.1 document of /api/v1',
  }),
};
