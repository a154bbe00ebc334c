import { describe, expect, it } from 'vitest';
import { Prisma } from '../generated/prisma/client.ts';
import { defaultedInstanceColumns, insertedInstanceColumns } from './bulk.ts';

describe('the bulk instance insert', () => {
  it('writes every column of the Prisma model but those left to their default', () => {
    const written = insertedInstanceColumns.map(({ name }) => name);
    const model = Object.values(Prisma.InstanceScalarFieldEnum);
    expect([...written, ...defaultedInstanceColumns].sort()).toEqual([...model].sort());
  });

  it('names each column once', () => {
    const written = insertedInstanceColumns.map(({ name }) => name);
    expect(new Set(written).size).toBe(written.length);
  });
});
